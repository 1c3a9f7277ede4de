"""Synthetic conversations of one chunk of contacts: turns, message times, events and tickets, vectorized.

A conversation is a sequence of turns that alternate between the contact and the company; each turn
holds one or more messages a few seconds apart. The time between turns is drawn per step (a loop over
turn positions, vectorized over all conversations) from lognormal delays that depend on the agent's
speed, on business hours and on the contact's engagement profile, which is what gives every star
level of DESIGN 4.4.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import catalog
from .clock import DAY, HOUR, Clock

# Engagement profiles of contacts, named after the star rating they aim at (DESIGN 4.4).
SILENT, NO_REPLY, OTHER_DAYS, SAME_DAY, MODERATE, FAST = range(6)
PROFILE_SHARE = np.array([0.05, 0.1, 0.14, 0.36, 0.2, 0.15])
# Conversations per contact relative to the others (people who never reply get fewer).
PROFILE_CONVERSATIONS = np.array([0.0, 0.6, 0.7, 1.0, 1.0, 1.0])
# Mean extra turns after the first one.
PROFILE_TURNS = np.array([0.0, 0.0, 2.5, 4.5, 4.0, 5.5])
MAX_TURNS = 24
INBOUND, CAMPAIGN, OUTREACH = range(3)
STATUSES = ("new", "in_progress", "on_hold", "resolved")
EVENT_KINDS = ("assigned", "status_changed", "resolved")
SENDERS = ("contact", "agent", "automation", "note")
# Contact reply delay (median minutes, sigma of the log) by profile; OTHER_DAYS replies on later evenings.
CONTACT_MEDIAN = np.array([1.0, 1.0, 1.0, 150.0, 40.0, 2.5])
CONTACT_SIGMA = np.array([0.5, 0.5, 0.5, 0.8, 0.4, 0.6])
# Agent reply delay = agent's median x pace (sigma of the log) by profile of the contact.
AGENT_PACE = np.array([1.0, 1.0, 1.0, 4.0, 1.5, 0.3])
AGENT_SIGMA = np.array([0.5, 0.5, 0.5, 0.8, 0.5, 0.5])
# Extra wait (median minutes) when an agent puts a conversation on hold before replying.
HOLD_MEDIAN = np.array([60.0, 60.0, 60.0, 300.0, 20.0, 4.0])
ON_CALL_SHARE = 0.15     # replies outside business hours that do not wait for the next opening
SHARES = dict(unanswered=0.06, campaign_reply=0.6, outreach_reply=0.7, reopen=0.12, transfer=0.14,
              hold=0.12, resolve=0.8, note=0.08, snapshot=0.025, after_hours_reply=0.85,
              switch=0.06)


@dataclass
class Shapes:
    """Per conversation: kind, number of turns and messages per turn (matrix [conversations, MAX_TURNS])."""

    kind: np.ndarray
    n_turns: np.ndarray
    n_msgs: np.ndarray


def allocate_profiles(rng: np.random.Generator, n: int) -> np.ndarray:
    """Engagement profile of n contacts: exact shares (largest remainder), shuffled."""
    raw = PROFILE_SHARE * n
    counts = np.floor(raw).astype(int)
    counts[np.argsort(counts - raw)[: n - counts.sum()]] += 1
    return rng.permutation(np.repeat(np.arange(len(PROFILE_SHARE)), counts))


def shapes(rng: np.random.Generator, profile: np.ndarray) -> Shapes:
    """Kind, turn count and message counts of conversations of contacts with these profiles."""
    n = len(profile)
    kind = np.where(rng.random(n) < 0.78, INBOUND, np.where(rng.random(n) < 0.64, CAMPAIGN, OUTREACH))
    kind = np.where(profile == NO_REPLY, np.where(rng.random(n) < 0.7, CAMPAIGN, OUTREACH), kind)
    extra = rng.poisson(PROFILE_TURNS[profile])
    turns = np.where(kind == INBOUND, np.where(rng.random(n) < SHARES["unanswered"], 1, 1 + extra),
                     np.where(kind == CAMPAIGN,
                              np.where(rng.random(n) < SHARES["campaign_reply"], 2 + extra, 1),
                              np.where(rng.random(n) < SHARES["outreach_reply"], 2 + extra, 1)))
    turns = np.minimum(np.where(profile == NO_REPLY, 1, turns), MAX_TURNS)
    rows, k = np.nonzero(np.arange(MAX_TURNS)[None, :] < turns[:, None])
    company = (np.where(kind == INBOUND, 0, 1)[rows] + k) % 2 == 1
    # 1 + geometric extra messages: mean 1.43 per company turn, 1.67 per contact turn.
    count = rng.geometric(np.where(company, 0.7, 0.6))
    count[(k == 0) & (kind[rows] != INBOUND)] = 1
    msgs = np.zeros((n, MAX_TURNS), np.int64)
    msgs[rows, k] = count
    return Shapes(kind, turns, msgs)


def mean_messages(profile_counts: np.ndarray) -> np.ndarray:
    """Expected messages per conversation of each profile, from a fixed sample of shapes."""
    rng = np.random.default_rng(0)
    out = np.zeros(len(profile_counts))
    for p in range(1, len(profile_counts)):
        sample = shapes(rng, np.full(4000, p))
        out[p] = sample.n_msgs.sum() / 4000 + SHARES["note"] + (0.2 if p == OTHER_DAYS else 0.05)
    return out


@dataclass
class Frame:
    """Columns of one table as numpy arrays (times in local seconds; codes index catalog tuples)."""

    cols: dict[str, np.ndarray]

    def take(self, index: np.ndarray) -> "Frame":
        return Frame({k: v[index] for k, v in self.cols.items()})

    def __len__(self) -> int:
        return len(next(iter(self.cols.values())))


def _lognormal(rng: np.random.Generator, median_seconds: np.ndarray, sigma: np.ndarray | float) -> np.ndarray:
    n = np.broadcast(median_seconds, sigma).shape
    return (np.asarray(median_seconds) * np.exp(np.asarray(sigma) * rng.standard_normal(n))).astype(np.int64)


def _sample_starts(rng: np.random.Generator, clock: Clock, first: int, last: int, profile: np.ndarray,
                   kind: np.ndarray) -> np.ndarray:
    """Local start times: OTHER_DAYS contacts write in the evening, FAST/MODERATE during office hours;
    campaigns go out in bursts on campaign days."""
    mode = np.where((profile >= MODERATE) | (kind == OUTREACH), 1, np.where(profile == OTHER_DAYS, 2, 0))
    days = np.arange(first, last + 1)
    campaign_days = days[clock.workday[days] & np.isin(clock.weekday[days], catalog.CAMPAIGN_WEEKDAYS)]
    mode = np.where((kind == CAMPAIGN) & (len(campaign_days) > 0), 3, np.where(kind == CAMPAIGN, 1, mode))
    out = np.zeros(len(profile), np.int64)
    for m, name in enumerate(("any", "office", "evening")):
        rows = np.nonzero(mode == m)[0]
        cum = np.cumsum(clock.slot_weights(first, last, name))
        slot = np.searchsorted(cum, rng.random(len(rows)) * cum[-1], side="right")
        out[rows] = clock.start_of(first) + slot * HOUR + rng.integers(0, HOUR, len(rows))
    rows = np.nonzero(mode == 3)[0]
    day = campaign_days[rng.integers(0, max(len(campaign_days), 1), len(rows))]
    out[rows] = clock.start_of(day) + catalog.CAMPAIGN_HOUR * HOUR + rng.integers(0, 40 * 60, len(rows))
    return out


def _agents(rng: np.random.Generator, team: np.ndarray) -> np.ndarray:
    """An agent (index into catalog.AGENTS) of each team, weighted by role load."""
    out = np.zeros(len(team), np.int64)
    for t, name in enumerate(catalog.TEAMS):
        members = [i for i, a in enumerate(catalog.AGENTS) if a[3] == name or (a[3] is None and t == 0)]
        load = np.array([catalog.ROLE_LOAD[catalog.AGENTS[i][2]] for i in members])
        rows = np.nonzero(team == t)[0]
        out[rows] = np.array(members)[rng.choice(len(members), len(rows), p=load / load.sum())]
    return out


@dataclass
class Plan:
    """Per conversation of a chunk: who, when and the turn structure ([conversations, MAX_TURNS] matrices)."""

    contact: np.ndarray
    profile: np.ndarray
    kind: np.ndarray
    topic: np.ndarray          # index into catalog.TOPICS
    start: np.ndarray
    channel: np.ndarray
    channel2: np.ndarray       # channel after switch_turn (-1: none)
    switch_turn: np.ndarray
    team: np.ndarray
    agent1: np.ndarray
    n_turns: np.ndarray
    first_agent_turn: np.ndarray   # agent turns are first_agent_turn, +2, +4, ...
    n_agent: np.ndarray
    company: np.ndarray        # matrix: turn by the company side
    automation: np.ndarray     # matrix: the campaign turn
    turn_agent: np.ndarray     # matrix: agent of each turn (after transfers)
    reopen_turn: np.ndarray    # contact turn that reopens after a resolve (-1: none)
    transfer_j: np.ndarray     # agent-turn number handled by the second agent (MAX_TURNS: none)
    hold_j: np.ndarray         # agent-turn number after which it goes on hold (-1: none)
    hold_back_turn: np.ndarray  # turn that comes back from hold (-1: stays on hold)
    tstart: np.ndarray | None = None
    turn_end: np.ndarray | None = None


def _plan(rng: np.random.Generator, clock: Clock, first_day: int, last_day: int, profile: np.ndarray,
          channel_pref: np.ndarray, has_phone: np.ndarray, has_email: np.ndarray,
          per_contact: np.ndarray) -> tuple[Plan, np.ndarray]:
    """Everything about the conversations except times of turns after the first; also the n_msgs matrix."""
    contact = np.repeat(np.arange(len(profile)), per_contact)
    prof = profile[contact]
    sh = shapes(rng, prof)
    kind, n_turns, n = sh.kind, sh.n_turns, len(contact)
    start = _sample_starts(rng, clock, first_day, last_day, prof, kind)
    order = np.lexsort((start, contact))
    contact, prof, start = contact[order], prof[order], start[order]
    kind, n_turns, n_msgs = kind[order], n_turns[order], sh.n_msgs[order]

    # Channel: mostly the contact's preferred one, else one their details allow.
    other = np.where(has_phone[contact], rng.choice([0, 0, 2, 1], n), np.where(has_email[contact], 3, 1))
    channel = np.where(rng.random(n) < 0.85, channel_pref[contact], other)
    # A few contacts move to another channel from their second turn on (the "last channel" tag changes).
    whatsapp, email = catalog.CHANNELS.index("whatsapp"), catalog.CHANNELS.index("email")
    channel2 = np.where(has_phone[contact] & (channel != whatsapp), whatsapp,
                        np.where(has_email[contact] & (channel != email), email, -1))
    switch = (channel2 >= 0) & (n_turns >= 4) & (rng.random(n) < SHARES["switch"])
    switch_turn = np.where(switch, np.where(kind == INBOUND, 2, 3), MAX_TURNS)
    shares = np.array([t[1] for t in catalog.TOPICS])
    topic = rng.choice(len(shares), n, p=shares / shares.sum())
    sales = np.array([i for i, t in enumerate(catalog.TOPICS) if t[0] in catalog.SALES_TOPICS])
    topic = np.where(kind == OUTREACH, sales[rng.integers(0, len(sales), n)], topic)
    # Each topic has its team; some conversations land with another team.
    topic_team = np.array([catalog.TEAMS.index(catalog.TOPIC_TEAMS.get(t[0], catalog.TEAMS[0]))
                           for t in catalog.TOPICS])
    team = np.where(rng.random(n) < 0.85, topic_team[topic], rng.choice(3, n, p=np.array(catalog.TEAM_WEIGHTS)))
    agent1 = _agents(rng, team)
    agent2 = _agents(rng, np.where(rng.random(n) < 0.7, team, (team + 1) % 3))
    agent2 = np.where(agent2 == agent1, (agent1 + 1) % len(catalog.AGENTS), agent2)

    fa = np.select([kind == INBOUND, kind == CAMPAIGN], [1, 2], 0)
    n_agent = np.maximum(0, (n_turns - fa + 1) // 2)
    ks = np.arange(MAX_TURNS)[None, :]
    company = (np.where(kind == INBOUND, 0, 1)[:, None] + ks) % 2 == 1
    r = rng.random((6, n))
    reopen_j = np.where((r[0] < SHARES["reopen"]) & (n_agent >= 2) & (prof >= OTHER_DAYS),
                        (r[1] * np.maximum(n_agent - 1, 1)).astype(int), -1)
    transfer_j = np.where((r[2] < SHARES["transfer"]) & (n_agent >= 2),
                          1 + (r[5] * np.maximum(n_agent - 1, 1)).astype(int), MAX_TURNS)
    hold_j = np.where((r[3] < SHARES["hold"]) & (n_agent >= 1) & (reopen_j < 0), (r[4] * n_agent).astype(int), -1)
    plan = Plan(
        contact=contact, profile=prof, kind=kind, topic=topic, start=start, channel=channel, channel2=channel2,
        switch_turn=switch_turn, team=team, agent1=agent1, n_turns=n_turns, first_agent_turn=fa, n_agent=n_agent,
        company=company, automation=(kind == CAMPAIGN)[:, None] & (ks == 0),
        turn_agent=np.where((ks - fa[:, None]) // 2 < transfer_j[:, None], agent1[:, None], agent2[:, None]),
        reopen_turn=np.where(reopen_j >= 0, fa + 2 * reopen_j + 1, -1), transfer_j=transfer_j, hold_j=hold_j,
        hold_back_turn=np.where((hold_j >= 0) & (hold_j + 1 < n_agent), fa + 2 * (hold_j + 1), -1))
    return plan, n_msgs


def _time_turns(rng: np.random.Generator, clock: Clock, plan: Plan, span: np.ndarray) -> None:
    """Start time of every turn: one vectorized step per turn position (sets plan.tstart, plan.turn_end)."""
    n = len(plan.kind)
    agent_median = np.array([a[4] * 60 for a in catalog.AGENTS])
    tstart = np.zeros((n, MAX_TURNS), np.int64)
    tstart[:, 0] = plan.start + np.where(plan.kind == OUTREACH, rng.integers(10, 120, n), 0)
    for k in range(1, int(plan.n_turns.max(initial=1))):
        ix = np.nonzero(plan.n_turns > k)[0]
        p = plan.profile[ix]
        prev = tstart[ix, k - 1] + span[ix, k - 1]
        prev_day = clock.start_of(clock.day_of(prev))
        # Contact side: lognormal by profile; SAME_DAY contacts sleep, OTHER_DAYS ones write on later evenings.
        reply = prev + _lognormal(rng, CONTACT_MEDIAN[p] * 60, CONTACT_SIGMA[p])
        hour = reply % DAY // HOUR
        morning = clock.start_of(clock.day_of(reply) + (hour >= 23)) + 7 * HOUR
        night = (p == SAME_DAY) & ((hour >= 23) | (hour < 7))
        reply = np.where(night, morning + _lognormal(rng, np.full(len(ix), 90 * 60), 0.5), reply)
        evening = 19 * HOUR + rng.integers(0, 4 * HOUR, len(ix))
        reply = np.where(p == OTHER_DAYS, prev_day + rng.geometric(0.5, len(ix)) * DAY + evening, reply)
        reopen = plan.reopen_turn[ix] == k
        days_later = prev_day + rng.geometric(0.4, len(ix)) * DAY
        reply = np.where(reopen & (p == SAME_DAY), days_later + 9 * HOUR + rng.integers(0, 11 * HOUR, len(ix)),
                         np.where(reopen & (p == OTHER_DAYS), days_later + evening, reply))
        # Company side: the agent's speed, slower after a hold, waiting for business hours unless on call.
        answer = prev + _lognormal(rng, agent_median[plan.turn_agent[ix, k]] * AGENT_PACE[p], AGENT_SIGMA[p])
        held = plan.hold_back_turn[ix] == k
        answer += np.where(held, _lognormal(rng, HOLD_MEDIAN[p] * 60, 0.4), 0)
        wait = (p <= SAME_DAY) & ~clock.in_hours(answer) & (rng.random(len(ix)) >= ON_CALL_SHARE)
        answer = np.where(wait, clock.next_open(answer) + _lognormal(rng, np.full(len(ix), 45 * 60), 0.9),
                          answer)
        next_day = clock.next_workday_open(prev + np.where(held, DAY, 0))
        answer = np.where(p == OTHER_DAYS, next_day + _lognormal(rng, np.full(len(ix), 40 * 60), 0.6), answer)
        tstart[ix, k] = np.where(plan.company[ix, k], answer, reply)
    plan.tstart, plan.turn_end = tstart, tstart + span


def build(rng: np.random.Generator, clock: Clock, first_day: int, last_day: int, profile: np.ndarray,
          channel_pref: np.ndarray, has_phone: np.ndarray, has_email: np.ndarray,
          per_contact: np.ndarray) -> dict[str, Frame]:
    """Conversations, messages, events and tickets of the contacts of one chunk (indexes 0..n-1).

    per_contact is the number of conversations of each contact. Times are local seconds, not cut at
    the end of the period yet.
    """
    plan, n_msgs = _plan(rng, clock, first_day, last_day, profile, channel_pref, has_phone, has_email,
                         per_contact)
    n = len(plan.kind)
    # Message offsets inside each turn (a few seconds apart), then the turn times.
    tc, tk = np.nonzero(np.arange(MAX_TURNS)[None, :] < plan.n_turns[:, None])
    nm = n_msgs[tc, tk]
    msg_turn = np.repeat(np.arange(len(tc)), nm)
    first_msg = np.cumsum(nm) - nm
    pos = np.arange(len(msg_turn)) - first_msg[msg_turn]
    gap = np.where(pos == 0, 0, 3 + rng.exponential(35, len(msg_turn))).astype(np.int64)
    csum = np.cumsum(gap)
    offset = csum - csum[first_msg][msg_turn]
    span = np.zeros((n, MAX_TURNS), np.int64)
    span[tc, tk] = offset[first_msg + nm - 1]
    _time_turns(rng, clock, plan, span)

    messages = _messages(rng, clock, plan, tc[msg_turn], tk[msg_turn], offset, msg_turn)
    events, tickets, final = _events(rng, clock, plan, first_day, last_day)
    conversations = Frame({"conv": np.arange(n), "contact": plan.contact, "created": plan.start,
                           "status": final["status"], "snapshot": final["snapshot"]})
    return {"conversations": conversations, "messages": messages, "events": events, "tickets": tickets}


def _messages(rng: np.random.Generator, clock: Clock, plan: Plan, conv: np.ndarray, k: np.ndarray,
              offset: np.ndarray, msg_turn: np.ndarray) -> Frame:
    """Messages of the turns (conv, turn k, offset in the turn), plus after-hours automatic replies and notes."""
    m = len(conv)
    is_company = plan.company[conv, k]
    is_auto = plan.automation[conv, k]
    sender = np.where(is_auto, 2, np.where(is_company, 1, 0))          # index into SENDERS
    agent = np.where(sender == 1, plan.turn_agent[conv, k], -1)
    sent = plan.tstart[conv, k] + offset
    ids = {t[0]: i for i, t in enumerate(catalog.TEMPLATES)}
    # Campaigns: a template of the channel, or the Black Friday one on chat channels in its month.
    campaign = np.array([[ids[t] for t in catalog.CAMPAIGN_TEMPLATES[c]] for c in catalog.CHANNELS])[
        plan.channel[conv], rng.integers(0, 2, m)]
    seasonal, month = catalog.SEASONAL_TEMPLATE
    sent_month = (sent // DAY).astype("datetime64[D]").astype("datetime64[M]").astype(np.int64) % 12 + 1
    chat = np.isin(plan.channel[conv], [catalog.CHANNELS.index(c) for c in ("whatsapp", "webchat", "instagram",
                                                                             "messenger")])
    campaign = np.where(chat & (sent_month == month), ids[seasonal], campaign)
    tpl = np.where(is_auto, campaign, -1)
    # Agents greet with a template in a quarter of their first turns, and use others now and then.
    first_of_turn = np.concatenate(([True], msg_turn[1:] != msg_turn[:-1]))
    greet = is_company & ~is_auto & (k == plan.first_agent_turn[conv]) & first_of_turn & (rng.random(m) < 0.25)
    tpl = np.where(greet, ids["tpl01"], tpl)
    others = np.array([ids[t] for t in catalog.AGENT_TEMPLATES[1:]])
    others = others[rng.integers(0, len(others), m)]
    tpl = np.where((sender == 1) & (tpl < 0) & (rng.random(m) < 0.03), others, tpl)
    text = _texts(rng, plan, conv, k, sender, first_of_turn,
                  np.concatenate((msg_turn[1:] != msg_turn[:-1], [True])))
    attach = np.where((sender == 0) & (rng.random(m) < 0.04), rng.integers(0, len(catalog.CONTACT_ATTACHMENTS), m),
                      -1)
    channel = np.where(k >= plan.switch_turn[conv], plan.channel2[conv], plan.channel[conv])
    cols = {"conv": conv, "contact": plan.contact[conv], "channel": channel, "sent": sent, "sender": sender,
            "agent": agent, "template": tpl, "text": text, "attach": attach}

    def extra(rows: np.ndarray, channel: np.ndarray, sent: np.ndarray, sender: int, agent: np.ndarray,
              template: int, text: np.ndarray) -> dict[str, np.ndarray]:
        return {"conv": rows, "contact": plan.contact[rows], "channel": channel, "sent": sent,
                "sender": np.full(len(rows), sender), "agent": agent, "template": np.full(len(rows), template),
                "text": text, "attach": np.full(len(rows), -1)}

    n = len(plan.kind)
    # Automatic reply when a contact opens a conversation outside business hours.
    after = np.nonzero((plan.kind == INBOUND) & ~clock.in_hours(plan.start)
                       & (rng.random(n) < SHARES["after_hours_reply"]))[0]
    auto = extra(after, plan.channel[after], plan.start[after] + rng.integers(2, 7, len(after)), 2,
                 np.full(len(after), -1), ids[catalog.AFTER_HOURS_TEMPLATE], np.zeros(len(after), np.int64))
    # Internal notes right after an agent turn.
    noted = np.nonzero((rng.random(n) < SHARES["note"]) & (plan.n_agent >= 1))[0]
    nk = plan.first_agent_turn[noted] + 2 * (rng.random(len(noted)) * plan.n_agent[noted]).astype(int)
    notes = extra(noted, np.where(nk >= plan.switch_turn[noted], plan.channel2[noted], plan.channel[noted]),
                  plan.turn_end[noted, nk] + rng.integers(20, 400, len(noted)), 3, plan.turn_agent[noted, nk], -1,
                  _pick_text(rng, np.full(len(noted), catalog.GENERIC_GROUPS["note"])))
    frame = Frame({c: np.concatenate([cols[c], auto[c], notes[c]]) for c in cols})
    return frame.take(np.lexsort((frame.cols["sent"], frame.cols["conv"])))


TEXTS, GROUP_START, GROUP_SIZE = catalog.text_groups()


def _pick_text(rng: np.random.Generator, group: np.ndarray) -> np.ndarray:
    """A random text of each group (indexes into TEXTS)."""
    return GROUP_START[group] + (rng.random(len(group)) * GROUP_SIZE[group]).astype(np.int64)


def _texts(rng: np.random.Generator, plan: Plan, conv: np.ndarray, k: np.ndarray, sender: np.ndarray,
           first: np.ndarray, last: np.ndarray) -> np.ndarray:
    """Text of each turn message by position: openers of the topic, follow-ups, replies and closers."""
    g = catalog.GENERIC_GROUPS
    topic = plan.topic[conv]
    n_turns, fa, n_agent = plan.n_turns[conv], plan.first_agent_turn[conv], plan.n_agent[conv]
    first_contact = np.where(plan.kind[conv] == INBOUND, 0, 1)
    last_contact = np.where(plan.company[conv, n_turns - 1], n_turns - 2, n_turns - 1)
    u = rng.random(len(conv))
    opener = ((k == first_contact) | (k == plan.reopen_turn[conv])) & first
    contact = np.select([opener, (k == last_contact) & (n_turns >= 3) & last & (u < 0.7), u < 0.5],
                        [3 * topic, g["contact_closer"], 3 * topic + 1], g["follow_up"])
    agent = np.select([(k == fa) & first, (k == fa + 2 * (n_agent - 1)) & (n_agent >= 2) & last & (u < 0.6)],
                      [g["agent_opener"], g["agent_closer"]], 3 * topic + 2)
    return _pick_text(rng, np.where(sender == 0, contact, agent))


def _events(rng: np.random.Generator, clock: Clock, plan: Plan, first_day: int,
            last_day: int) -> tuple[Frame, Frame, dict[str, np.ndarray]]:
    """Assigned, status_changed and resolved events, their tickets, and each conversation's final status.

    Event values are an agent index (assigned), -1 (resolved) or -2 - index in STATUSES (status_changed).
    """
    managers = np.array([next(i for i, a in enumerate(catalog.AGENTS) if a[2] == "manager" and a[3] == t)
                         for t in catalog.TEAMS])
    n = len(plan.kind)
    fa, n_agent, tstart, turn_end, turn_agent = (plan.first_agent_turn, plan.n_agent, plan.tstart, plan.turn_end,
                                                 plan.turn_agent)
    parts: list[dict[str, np.ndarray]] = []

    def add(conv: np.ndarray, at: np.ndarray, actor: np.ndarray, kind: int, value: np.ndarray) -> None:
        parts.append({"conv": conv, "at": at, "actor": actor, "kind": np.full(len(conv), kind), "value": value})

    # Assignment: by the team's manager, by the agent themself, or by a rule (no actor), before the first reply.
    answered = n_agent >= 1
    first_agent_start = tstart[np.arange(n), np.minimum(fa, MAX_TURNS - 1)]
    lead = np.maximum(first_agent_start - plan.start, 20)
    assigned_at = np.where(plan.kind == OUTREACH, plan.start,
                           first_agent_start - np.minimum((lead * rng.uniform(0.05, 0.5, n)).astype(np.int64),
                                                          _lognormal(rng, np.full(n, 600), 0.8)))
    assigned_at = np.where(answered, assigned_at, plan.start + _lognormal(rng, np.full(n, 180), 0.6))
    has_assign = answered | (rng.random(n) < 0.4)
    who = rng.random(n)
    actor = np.where(who < 0.4, managers[plan.team], np.where(who < 0.85, plan.agent1, -1))
    i = np.nonzero(has_assign)[0]
    add(i, assigned_at[i], actor[i], 0, plan.agent1[i])

    # Transfers: assigned from one agent to another just before the new agent's first turn.
    i = np.nonzero(plan.transfer_j < n_agent)[0]
    tt = fa[i] + 2 * plan.transfer_j[i]
    gap = np.maximum(tstart[i, tt] - turn_end[i, tt - 1], 4)
    add(i, tstart[i, tt] - (gap * rng.uniform(0.2, 0.8, len(i))).astype(np.int64) - 1,
        np.where(rng.random(len(i)) < 0.5, turn_agent[i, tt - 2], managers[plan.team[i]]), 0, turn_agent[i, tt])

    # Holds: on_hold after an agent turn, back to in_progress just before the agent's next turn.
    i = np.nonzero(plan.hold_j >= 0)[0]
    ht = fa[i] + 2 * plan.hold_j[i]
    add(i, turn_end[i, ht] + rng.integers(5, 60, len(i)), turn_agent[i, ht], 1,
        np.full(len(i), -2 - STATUSES.index("on_hold")))
    back = np.nonzero(plan.hold_back_turn >= 0)[0]
    bt = plan.hold_back_turn[back]
    held_at = turn_end[back, fa[back] + 2 * plan.hold_j[back]] + 60
    add(back, np.maximum(tstart[back, bt] - rng.integers(5, 30, len(back)), held_at), turn_agent[back, bt], 1,
        np.full(len(back), -2 - STATUSES.index("in_progress")))

    # Resolves: one before each reopen, one at the end; each comes with a ticket.
    i = np.nonzero(plan.reopen_turn >= 0)[0]
    rt = plan.reopen_turn[i]
    gap = tstart[i, rt] - turn_end[i, rt - 1]
    first_resolve = turn_end[i, rt - 1] + np.minimum((gap * rng.uniform(0.05, 0.5, len(i))).astype(np.int64),
                                                     _lognormal(rng, np.full(len(i), 1800), 0.8))
    resolves = [(i, first_resolve, turn_agent[i, rt - 1])]
    end_hold = (plan.hold_j >= 0) & (plan.hold_back_turn < 0)
    final = answered & ~end_hold & (rng.random(n) < SHARES["resolve"])
    i = np.nonzero(final)[0]
    p = plan.profile[i]
    after = np.where(p >= MODERATE, _lognormal(rng, np.full(len(i), 300), 0.6),
                     _lognormal(rng, np.full(len(i), 2400), 1.0))
    at = turn_end[i, plan.n_turns[i] - 1] + after
    opened = clock.next_open(at)
    at = np.where((p <= SAME_DAY) & (opened > at), opened + _lognormal(rng, np.full(len(i), 1800), 0.8), at)
    resolves.append((i, at, turn_agent[i, fa[i] + 2 * (n_agent[i] - 1)]))
    for conv, at, resolver in resolves:
        add(conv, at, resolver, 2, np.full(len(conv), -1))
    events = Frame({c: np.concatenate([part[c] for part in parts]) for c in parts[0]})
    events = events.take(np.lexsort((events.cols["kind"], events.cols["at"], events.cols["conv"])))
    conv, at, resolver = (np.concatenate(x) for x in zip(*resolves))
    tickets = _tickets(rng, clock, first_day, last_day, conv, at, resolver, plan.topic[conv])

    status = np.where(final, 3, np.where(end_hold, 2, np.where(answered, 1, 0)))   # index into STATUSES
    snapshot = (rng.random(n) < SHARES["snapshot"]) & answered & (plan.reopen_turn < 0)
    return events, tickets, {"status": status, "snapshot": snapshot}


def _tickets(rng: np.random.Generator, clock: Clock, first_day: int, last_day: int, conv: np.ndarray,
             at: np.ndarray, resolver: np.ndarray, topic: np.ndarray) -> Frame:
    """Ticket type and category from the topic (inactive categories only on old tickets), and a note."""
    n = len(conv)
    weights = np.array([t[3] for t in catalog.TOPICS])
    cum = np.cumsum(weights / weights.sum(axis=1, keepdims=True), axis=1)[topic]
    ttype = np.minimum((rng.random(n)[:, None] > cum).sum(axis=1), len(catalog.TICKET_TYPES) - 1)
    ids = [c[0] for c in catalog.CATEGORIES]
    active = np.array([i for i, c in enumerate(catalog.CATEGORIES) if c[2]])
    inactive = np.array([i for i, c in enumerate(catalog.CATEGORIES) if not c[2]])
    category = np.array([ids.index(t[2]) for t in catalog.TOPICS])[topic]
    category = np.where(rng.random(n) < catalog.OFF_TOPIC_CATEGORY, active[rng.integers(0, len(active), n)],
                        category)
    old = at < clock.start_of(first_day + int((last_day - first_day) * 0.35))
    category = np.where(old & (rng.random(n) < 0.2), inactive[rng.integers(0, len(inactive), n)], category)
    category = np.where(rng.random(n) < 0.1, -1, category)
    note = np.where(rng.random(n) < 0.3, rng.integers(0, len(catalog.TICKET_NOTES), n), -1)
    frame = Frame({"conv": conv, "at": at, "resolver": resolver, "type": ttype, "category": category,
                   "note": note})
    return frame.take(np.lexsort((frame.cols["at"], frame.cols["conv"])))
