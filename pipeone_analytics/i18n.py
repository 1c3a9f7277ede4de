"""Labels and formats in pt_BR and en: every UI and report takes its words from here."""
from __future__ import annotations

import datetime as dt
from typing import Any

import babel.dates
import babel.numbers
import pandas as pd

LOCALES = ("pt_BR", "en")

STATUSES = {
    "new": {"pt_BR": "Novo", "en": "New"},
    "in_progress": {"pt_BR": "Em andamento", "en": "In progress"},
    "on_hold": {"pt_BR": "Em espera", "en": "On hold"},
    "resolved": {"pt_BR": "Resolvido", "en": "Resolved"},
}

CHANNELS = {
    "whatsapp": {"pt_BR": "WhatsApp", "en": "WhatsApp"},
    "sms": {"pt_BR": "SMS", "en": "SMS"},
    "webchat": {"pt_BR": "Chat do site", "en": "Web chat"},
    "email": {"pt_BR": "E-mail", "en": "Email"},
    "instagram": {"pt_BR": "Instagram", "en": "Instagram"},
    "messenger": {"pt_BR": "Messenger", "en": "Messenger"},
    "telegram": {"pt_BR": "Telegram", "en": "Telegram"},
    "other": {"pt_BR": "Outro", "en": "Other"},
}

TICKET_TYPES = {
    "question": {"pt_BR": "Dúvida", "en": "Question"},
    "incident": {"pt_BR": "Incidente", "en": "Incident"},
    "problem": {"pt_BR": "Problema", "en": "Problem"},
    "task": {"pt_BR": "Tarefa", "en": "Task"},
}

ROLES = {
    "agent": {"pt_BR": "Agente", "en": "Agent"},
    "manager": {"pt_BR": "Gerente", "en": "Manager"},
    "admin": {"pt_BR": "Administrador", "en": "Admin"},
}

# DESIGN 4.4: the meaning table of the 0-5 star rating.
STARS = {
    0: {"pt_BR": "Novo contato", "en": "New contact",
        "condition_pt_BR": "Nenhuma mensagem enviada ou recebida, ou o telefone do contato é inválido",
        "condition_en": "No message sent or received, or the contact's phone number is invalid"},
    1: {"pt_BR": "Sem engajamento", "en": "No engagement",
        "condition_pt_BR": "Ao menos uma mensagem enviada e nenhuma recebida",
        "condition_en": "At least one message sent, none received"},
    2: {"pt_BR": "Contato validado", "en": "Validated contact",
        "condition_pt_BR": "Ao menos uma mensagem recebida, em qualquer canal",
        "condition_en": "At least one message received, on any channel"},
    3: {"pt_BR": "Baixo envolvimento", "en": "Low engagement",
        "condition_pt_BR": "Ao menos uma interação cujas duas mensagens caem no mesmo dia do calendário",
        "condition_en": "At least one interaction whose two messages fall on the same calendar day"},
    4: {"pt_BR": "Engajamento moderado", "en": "Moderate engagement",
        "condition_pt_BR": "Ao menos uma interação, e 90% ou mais das interações levaram até 2 h",
        "condition_en": "At least one interaction, and 90% or more of all interactions took 2 h or less"},
    5: {"pt_BR": "Alto envolvimento", "en": "High engagement",
        "condition_pt_BR": "Ao menos uma interação, e 90% ou mais das interações levaram até 30 min",
        "condition_en": "At least one interaction, and 90% or more of all interactions took 30 min or less"},
}

# Free-form UI and report strings, by key. Add new keys in the section of your area.
MESSAGES: dict[str, dict[str, str]] = {
    # --- common ---
    "no_data": {"pt_BR": "Sem dados para esta seleção", "en": "No data for this selection"},
    "read_only": {"pt_BR": "Somente leitura: defina PIPEONE_USER para agir",
                  "en": "Read-only: set PIPEONE_USER to take actions"},
    "unassigned": {"pt_BR": "Sem responsável", "en": "Unassigned"},
    "unknown_category": {"pt_BR": "Categoria desconhecida", "en": "Unknown category"},
    "inactive_category": {"pt_BR": "{name} (inativa)", "en": "{name} (inactive)"},
    "no_category": {"pt_BR": "Sem categoria", "en": "No category"},
    # --- ingest ---
    # --- status / tickets / timeline ---
    # --- ratings ---
    # Reasons of a rating; {n} interactions, {p30}/{p2h} whole percents rounded down (never shown as 90% when below).
    "rating_reason_invalid_phone": {"pt_BR": "O telefone {phone} é inválido, o que zera a classificação",
                                    "en": "The phone number {phone} is invalid, which forces 0 stars"},
    "rating_reason_none": {"pt_BR": "Nenhuma mensagem enviada ou recebida",
                           "en": "No message sent or received"},
    "rating_reason_sent_only": {"pt_BR": "{sent} mensagens enviadas, nenhuma recebida",
                                "en": "{sent} messages sent, none received"},
    "rating_reason_sent_only_one": {"pt_BR": "1 mensagem enviada, nenhuma recebida",
                                    "en": "1 message sent, none received"},
    "rating_reason_received": {"pt_BR": "{received} mensagens recebidas, ainda sem nenhuma interação",
                               "en": "{received} messages received, no interaction yet"},
    "rating_reason_received_one": {"pt_BR": "1 mensagem recebida, ainda sem nenhuma interação",
                                    "en": "1 message received, no interaction yet"},
    "rating_reason_2": {"pt_BR": "Nenhuma das {n} interações ficou no mesmo dia e só {p2h}% levaram até 2 h",
                        "en": "None of {n} interactions stayed within one day and only {p2h}% took 2 h or less"},
    "rating_reason_2_one": {"pt_BR": "A única interação passou de um dia para outro e levou mais de 2 h",
                            "en": "The only interaction ran into the next day and took more than 2 h"},
    "rating_reason_3": {"pt_BR": "{same_day} de {n} interações ficaram no mesmo dia, mas só {p2h}% levaram até 2 h",
                        "en": "{same_day} of {n} interactions stayed within one day, but only {p2h}% took 2 h or less"},
    "rating_reason_3_one": {"pt_BR": "A única interação ficou no mesmo dia, mas levou mais de 2 h",
                            "en": "The only interaction stayed within one day, but took more than 2 h"},
    "rating_reason_4": {"pt_BR": "{p2h}% de {n} interações levaram até 2 h",
                        "en": "{p2h}% of {n} interactions took 2 h or less"},
    "rating_reason_4_one": {"pt_BR": "A única interação levou até 2 h",
                            "en": "The only interaction took 2 h or less"},
    "rating_reason_5": {"pt_BR": "{p30}% de {n} interações levaram até 30 min",
                        "en": "{p30}% of {n} interactions took 30 min or less"},
    "rating_reason_5_one": {"pt_BR": "A única interação levou até 30 min",
                            "en": "The only interaction took 30 min or less"},
    # --- response times ---
    # --- ops ---
    "ops_read_only": {"pt_BR": "sessão somente leitura: sem usuário, não é possível {action} (defina "
                               "JUPYTERHUB_USER ou PIPEONE_USER com um membro da equipe)",
                      "en": "read-only session: no acting user, so you cannot {action} (set JUPYTERHUB_USER or "
                            "PIPEONE_USER to a teammate)"},
    "ops_unknown_user": {"pt_BR": "o usuário '{user}' ({variable}) não é membro da equipe",
                         "en": "acting user '{user}' ({variable}) is not a teammate"},
    "ops_ambiguous_user": {"pt_BR": "o usuário '{user}' ({variable}) corresponde a vários membros: {ids}",
                           "en": "acting user '{user}' ({variable}) matches several teammates: {ids}"},
    "ops_inactive_user": {"pt_BR": "o usuário '{user}' ({variable}) está desativado",
                          "en": "acting user '{user}' ({variable}) is deactivated"},
    "ops_needs_role": {"pt_BR": "{user} ({role}) não pode {action}: é preciso o papel {needed}",
                       "en": "{user} ({role}) cannot {action}: needs the {needed} role"},
    "ops_unassigned": {"pt_BR": "{user} ({role}) não pode {action}: a conversa {conversation} está sem "
                                "responsável; assuma-a antes, ou é preciso o papel {needed}",
                       "en": "{user} ({role}) cannot {action}: conversation {conversation} is unassigned; take "
                             "it first, or it needs the {needed} role"},
    "ops_assigned_other": {"pt_BR": "{user} ({role}) não pode {action}: a conversa {conversation} está com "
                                    "{assignee}; é preciso o papel {needed}",
                           "en": "{user} ({role}) cannot {action}: conversation {conversation} is assigned to "
                                 "{assignee}; needs the {needed} role"},
    "ops_action_take": {"pt_BR": "assumir a conversa", "en": "take the conversation"},
    "ops_action_assign": {"pt_BR": "atribuir ou transferir a conversa", "en": "assign or transfer the conversation"},
    "ops_action_set_status": {"pt_BR": "mudar o status da conversa", "en": "change the conversation's status"},
    "ops_action_resolve": {"pt_BR": "resolver a conversa", "en": "resolve the conversation"},
    "ops_action_reopen": {"pt_BR": "reabrir a conversa", "en": "reopen the conversation"},
    "ops_action_compose": {"pt_BR": "responder na conversa", "en": "reply in the conversation"},
    "ops_action_add_contact": {"pt_BR": "adicionar contatos", "en": "add contacts"},
    "ops_action_edit_contact": {"pt_BR": "editar contatos", "en": "edit contacts"},
    "ops_action_export_outbox": {"pt_BR": "exportar a caixa de saída", "en": "export the outbox"},
    "ops_action_manage_teammates": {"pt_BR": "gerenciar a equipe", "en": "manage teammates"},
    "ops_action_manage_categories": {"pt_BR": "gerenciar categorias", "en": "manage categories"},
    "ops_action_manage_templates": {"pt_BR": "gerenciar modelos de mensagem", "en": "manage templates"},
    "ops_action_manage_settings": {"pt_BR": "alterar configurações", "en": "change settings"},
    "ops_unknown_conversation": {"pt_BR": "não existe a conversa {conversation}",
                                 "en": "no conversation {conversation}"},
    "ops_unknown_agent": {"pt_BR": "não existe o membro da equipe {agent}", "en": "no teammate {agent}"},
    "ops_inactive_agent": {"pt_BR": "{agent} está desativado e não pode receber conversas",
                           "en": "{agent} is deactivated and cannot be given conversations"},
    "ops_transfer_unassigned": {"pt_BR": "a conversa {conversation} está sem responsável: atribua em vez de "
                                         "transferir",
                                "en": "conversation {conversation} is unassigned: assign it instead of transferring"},
    "ops_already_assigned": {"pt_BR": "a conversa {conversation} já está com {agent}",
                             "en": "conversation {conversation} is already assigned to {agent}"},
    "ops_bad_status": {"pt_BR": "status '{status}' não pode ser definido; use {allowed}",
                       "en": "status '{status}' cannot be set; use {allowed}"},
    "ops_resolved_reopen_first": {"pt_BR": "a conversa {conversation} está resolvida: reabra-a antes",
                                  "en": "conversation {conversation} is resolved: reopen it first"},
    "ops_same_status": {"pt_BR": "a conversa {conversation} já está em '{status}'",
                        "en": "conversation {conversation} is already '{status}'"},
    "ops_already_resolved": {"pt_BR": "a conversa {conversation} já está resolvida",
                             "en": "conversation {conversation} is already resolved"},
    "ops_not_resolved": {"pt_BR": "a conversa {conversation} não está resolvida, então não pode ser reaberta",
                         "en": "conversation {conversation} is not resolved, so it cannot be reopened"},
    "ops_bad_ticket_type": {"pt_BR": "tipo de ticket '{type}' desconhecido; use {allowed}",
                            "en": "unknown ticket type '{type}'; use {allowed}"},
    "ops_unknown_category": {"pt_BR": "não existe a categoria {category}", "en": "no category {category}"},
    "ops_inactive_category": {"pt_BR": "a categoria '{category}' está desativada",
                              "en": "category '{category}' is deactivated"},
    "ops_bad_email": {"pt_BR": "'{email}' não é um e-mail", "en": "'{email}' is not an email address"},
    "ops_attribute_reserved": {"pt_BR": "'{key}' é um campo do contato, não um atributo personalizado",
                               "en": "'{key}' is a contact field, not a custom attribute"},
    "ops_contact_exists": {"pt_BR": "o contato {contact} já existe", "en": "contact {contact} already exists"},
    "ops_unknown_contact": {"pt_BR": "não existe o contato {contact}", "en": "no contact {contact}"},
    "ops_nothing_changed": {"pt_BR": "nada a alterar em {target}", "en": "nothing to change on {target}"},
    "ops_last_admin": {"pt_BR": "{agent} é o último administrador ativo: promova outro antes",
                       "en": "{agent} is the last active admin: make someone else admin first"},
    "ops_bad_role": {"pt_BR": "papel '{role}' desconhecido; use {allowed}",
                     "en": "unknown role '{role}'; use {allowed}"},
    "ops_teammate_required": {"pt_BR": "um membro da equipe precisa de id e nome",
                              "en": "a teammate needs an id and a name"},
    "ops_teammate_exists": {"pt_BR": "o membro da equipe {agent} já existe", "en": "teammate {agent} already exists"},
    "ops_category_exists": {"pt_BR": "já existe uma categoria ativa '{name}'",
                            "en": "an active category '{name}' already exists"},
    "ops_category_id_exists": {"pt_BR": "a categoria {category} já existe", "en": "category {category} already exists"},
    "ops_setting_not_json": {"pt_BR": "o valor de '{key}' não pode ser guardado como JSON",
                             "en": "the value of '{key}' cannot be stored as JSON"},
    "ops_name_required": {"pt_BR": "o nome é obrigatório", "en": "a name is required"},
    "ops_body_required": {"pt_BR": "a mensagem está vazia", "en": "the message is empty"},
    "ops_body_or_template": {"pt_BR": "escreva um texto ou escolha um modelo (um dos dois)",
                             "en": "give either a text or a template, not both or neither"},
    "ops_choose_channel": {"pt_BR": "o contato {contact} não tem canal de resposta padrão: escolha um canal",
                           "en": "contact {contact} has no default reply channel: choose a channel"},
    "ops_unknown_channel": {"pt_BR": "canal '{channel}' desconhecido; use {known}",
                            "en": "unknown channel '{channel}'; use {known}"},
    "ops_unknown_template": {"pt_BR": "não existe o modelo {template}", "en": "no template {template}"},
    "ops_template_channel": {"pt_BR": "o modelo {template} é do canal {template_channel}, não de {channel}",
                             "en": "template {template} is for {template_channel}, not {channel}"},
    "ops_template_syntax": {"pt_BR": "erro de sintaxe no modelo, linha {line}: {message}",
                            "en": "template syntax error on line {line}: {message}"},
    "ops_template_missing": {"pt_BR": "a variável '{variable}' do modelo não existe para este contato; "
                                      "disponíveis: {available}",
                             "en": "template variable '{variable}' is not available for this contact; "
                                   "available: {available}"},
    "ops_template_unsafe": {"pt_BR": "o modelo usa algo não permitido: {message}",
                            "en": "the template uses something not allowed: {message}"},
    "ops_attachment_missing": {"pt_BR": "o anexo {path} não existe", "en": "attachment {path} does not exist"},
    "ops_attachment_type": {"pt_BR": "tipo de anexo não permitido: {name}; extensões aceitas: {known}",
                            "en": "attachment type not allowed: {name}; accepted extensions: {known}"},
    "ops_attachment_channel": {"pt_BR": "o canal {channel} não aceita anexos",
                               "en": "the {channel} channel takes no attachments"},
    "ops_attachment_type_channel": {"pt_BR": "o canal {channel} não aceita {name} ({mime})",
                                    "en": "the {channel} channel does not take {name} ({mime})"},
    "ops_attachment_size": {"pt_BR": "o anexo {name} tem {size}; o limite do canal {channel} é {limit}",
                            "en": "attachment {name} is {size}; the {channel} limit is {limit}"},
    "ops_outbox_suffix": {"pt_BR": "a caixa de saída é exportada em .jsonl, não em {path}",
                          "en": "the outbox is exported as .jsonl, not {path}"},
    "ops_outbox_exists": {"pt_BR": "{path} já existe: o gateway ainda não o recolheu; escolha outro nome",
                          "en": "{path} already exists: the gateway has not picked it up yet; choose another name"},
    # --- inbox ---
    # --- dashboards ---
    # --- reports ---
    "report_index_title": {"pt_BR": "Relatórios", "en": "Reports"},
    "report_no_runs": {"pt_BR": "Nenhum relatório gerado ainda", "en": "No report rendered yet"},
    "report_col_name": {"pt_BR": "Relatório", "en": "Report"},
    "report_col_period": {"pt_BR": "Período", "en": "Period"},
    "report_col_status": {"pt_BR": "Situação", "en": "Status"},
    "report_col_started": {"pt_BR": "Início", "en": "Started"},
    "report_col_duration": {"pt_BR": "Duração", "en": "Duration"},
    "report_col_output": {"pt_BR": "Arquivos", "en": "Files"},
    "report_col_error": {"pt_BR": "Erro", "en": "Error"},
    "report_link_html": {"pt_BR": "relatório", "en": "report"},
    "report_link_notebook": {"pt_BR": "notebook", "en": "notebook"},
    "report_status_ok": {"pt_BR": "ok", "en": "ok"},
    "report_status_failed": {"pt_BR": "falhou", "en": "failed"},
    "report_status_running": {"pt_BR": "em execução", "en": "running"},
}

_TABLES = {"status": STATUSES, "channel": CHANNELS, "ticket_type": TICKET_TYPES, "role": ROLES}


def check_locale(locale: str) -> str:
    """The locale itself, or ValueError naming the supported ones."""
    if locale not in LOCALES:
        raise ValueError(f"locale '{locale}' is not one of {', '.join(LOCALES)}")
    return locale


def label(kind: str, key: Any, locale: str) -> str:
    """The word for a status, channel, ticket_type, role or star level in the locale; the key if unknown."""
    check_locale(locale)
    if kind == "stars":
        return STARS[int(key)][locale]
    return _TABLES[kind].get(str(key), {}).get(locale, str(key))


def t(key: str, locale: str, **values: Any) -> str:
    """A UI string in the locale, with {placeholders} filled from values."""
    check_locale(locale)
    return MESSAGES[key][locale].format(**values)


def star_meanings() -> pd.DataFrame:
    """Columns: stars, name_pt_BR, name_en, condition_pt_BR, condition_en."""
    return pd.DataFrame([
        {"stars": s, "name_pt_BR": v["pt_BR"], "name_en": v["en"],
         "condition_pt_BR": v["condition_pt_BR"], "condition_en": v["condition_en"]}
        for s, v in STARS.items()])


def fmt_number(value: float, locale: str, digits: int = 0) -> str:
    """1234.5 -> '1.234,5' in pt_BR, '1,234.5' in en."""
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return babel.numbers.format_decimal(value, format=pattern, locale=check_locale(locale))


def fmt_percent(share: float, locale: str, digits: int = 0) -> str:
    """0.923 -> '92%' (pt_BR '92%' with babel's spacing rules)."""
    pattern = "#,##0" + ("." + "0" * digits if digits else "") + "%"
    return babel.numbers.format_percent(share, format=pattern, locale=check_locale(locale))


def fmt_date(value: dt.date | dt.datetime | pd.Timestamp, locale: str, fmt: str = "short") -> str:
    """A date in the locale: 25/11/2026 in pt_BR, 11/25/26 in en for 'short'."""
    return babel.dates.format_date(value, format=fmt, locale=check_locale(locale))


def fmt_datetime(value: dt.datetime | pd.Timestamp, locale: str, tz: str | None = None,
                 fmt: str = "short") -> str:
    """A date and time in the locale, shown in tz when given."""
    return babel.dates.format_datetime(value, format=fmt, tzinfo=tz, locale=check_locale(locale))


def fmt_duration(seconds: float | None, locale: str) -> str:
    """A duration as '45 s', '12 min', '3,5 h' or '2,1 d' in the locale; '—' when missing."""
    if seconds is None or pd.isna(seconds):
        return "—"
    if seconds < 60:
        return f"{fmt_number(seconds, locale)} s"
    if seconds < 3600:
        return f"{fmt_number(seconds / 60, locale)} min"
    if seconds < 86400:
        return f"{fmt_number(seconds / 3600, locale, 1)} h"
    return f"{fmt_number(seconds / 86400, locale, 1)} d"
