"""The reply composer: channel pre-selected from the contact's default reply channel, free text or a template
with a live preview (a missing variable is reported), attachments, the SMS segment count, and Send to the
outbox through ops.compose."""
from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any, Callable

import ipywidgets as w

from ... import i18n
from ...core.channels import default_reply_channel
from ...errors import PipeOneError
from ...ops import compose
from ...ops.audit import ReadAfter
from ...ops.sms import sms_segments
from ...ops.templates import templates
from ..components import options
from .context import Context
from .render import esc, present

NO_TEMPLATE = ""


class Composer(w.VBox):
    """Open it on a conversation with start(state); calls on_sent(conversation_id, sent) after a message is queued.
    Send hands ops the state shown (with its version), which the write uses only if it is still the store's, and
    read_after() (what the screen redraws, read by the write)."""

    def __init__(self, ctx: Context, attachments_dir: Path, on_sent: Callable[[str, object], None],
                 read_after: Callable[[], ReadAfter]) -> None:
        self.ctx, self._on_sent, self.attachments_dir, self._read_after = ctx, on_sent, attachments_dir, read_after
        t = ctx.t
        channels = options(i18n.CHANNELS, ctx.locale, "channel")
        self.channel = w.Dropdown(options=[(t("inbox_choose_channel"), "")] + channels,
                                  value="", description=t("inbox_reply_channel"), layout=w.Layout(width="260px"))
        self.channel.style.description_width = "90px"
        self.template = w.Dropdown(options=[(t("inbox_no_template"), NO_TEMPLATE)], value=NO_TEMPLATE,
                                   description=t("inbox_template"), layout=w.Layout(width="300px"))
        self.template.style.description_width = "70px"
        self.body = w.Textarea(placeholder=t("inbox_reply_placeholder"), continuous_update=True,
                               layout=w.Layout(width="100%", height="64px"))
        self.upload = w.FileUpload(multiple=True, description=t("inbox_attach"), layout=w.Layout(width="auto"))
        self.preview = w.HTML()
        self.segments = w.HTML()
        self.send_button = w.Button(description=t("inbox_send"), icon="paper-plane", button_style="primary")
        self.send_button.on_click(lambda _: self.do_send())
        for control in (self.channel, self.template, self.body, self.upload):
            control.observe(lambda _: self.refresh_preview(), names="value")
        self.channel.observe(lambda _: self._load_templates(), names="value")
        self.state: dict[str, Any] | None = None
        self.preview_text = ""
        super().__init__([w.HBox([self.channel, self.template, self.upload], layout=w.Layout(flex_flow="row wrap")),
                          self.preview, self.body, w.HBox([self.segments, self.send_button],
                                                          layout=w.Layout(justify_content="space-between",
                                                                          align_items="center"))],
                         layout=w.Layout(padding="8px", border_top="1px solid #e0e6ed", display="none",
                                         flex="0 0 auto"))

    def start(self, state: dict[str, Any] | None) -> None:
        """Reset for a conversation: default reply channel, no template, empty text."""
        with self.ctx.reading():
            self.state = state
            self.layout.display = None if state else "none"
            if state is None:
                return
            found = self.ctx.attempt(lambda: default_reply_channel(self.ctx.source, [state["contact_id"]]))
            channel = found["channel"].iloc[0] if found is not None and len(found) else None
            self.body.value = ""
            self.upload.value = ()
            self.channel.value = channel if present(channel) else ""
            self._load_templates()
            self.ctx.gate(self.send_button, "compose", state)
            self.refresh_preview()

    def _load_templates(self) -> None:
        if self.state is None:
            return
        found = self.ctx.attempt(lambda: templates(self.ctx.source, self.channel.value or None))
        rows = found.to_dict("records") if found is not None else []
        keep = self.template.value if self.template.value in {r["template_id"] for r in rows} else NO_TEMPLATE
        self.template.options = ([(self.ctx.t("inbox_no_template"), NO_TEMPLATE)]
                                 + [(r["name"], r["template_id"]) for r in rows])
        self.template.value = keep

    def _paths(self) -> list[str]:
        """The uploaded files saved under attachments_dir (ops checks them by path)."""
        paths = []
        for item in self.upload.value:
            folder = self.attachments_dir / uuid.uuid4().hex
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / Path(item["name"]).name
            path.write_bytes(bytes(item["content"]))
            paths.append(str(path))
        return paths

    def _text(self) -> str:
        """The text that would be sent: the rendered template, or the typed body."""
        return self.preview_text if self.template.value else self.body.value

    def refresh_preview(self) -> None:
        """Render the template with the contact's variables (or report what is missing) and count SMS parts."""
        with self.ctx.reading():
            self.preview_text = ""
            self.body.disabled = bool(self.template.value)
            if self.state is not None and self.template.value and self.channel.value:
                try:
                    d = compose.draft(self.ctx.source, self.ctx.actor, self.state["conversation_id"],
                                      template_id=self.template.value, channel=self.channel.value)
                    self.preview_text = d.body
                    self.preview.value = (f"<div class='p1-muted'>{esc(self.ctx.t('inbox_preview'))}</div>"
                                          f"<div class='p1-preview-box'>{esc(d.body)}</div>")
                except PipeOneError as exc:
                    self.preview.value = f"<div class='p1-notice p1-notice-error'>{esc(str(exc))}</div>"
            elif self.template.value:
                self.preview.value = (f"<div class='p1-notice p1-notice-error'>"
                                      f"{esc(self.ctx.t('inbox_choose_channel'))}</div>")
            else:
                self.preview.value = ""
            files = [item["name"] for item in self.upload.value]
            attached = f" · <i class='fa fa-paperclip'></i> {esc(', '.join(files))}" if files else ""
            if self.channel.value == "sms":
                encoding, parts = sms_segments(self._text())
                count = self.ctx.t("inbox_sms_segments", n=parts, encoding=encoding)
                self.segments.value = (f"<span class='p1-muted'>{esc(count)}"
                                       f"{attached}</span>")
            else:
                self.segments.value = f"<span class='p1-muted'>{attached}</span>"

    def do_send(self) -> None:
        """Queue the message in the outbox (ops.compose); errors stay on the notice line, the text stays."""
        if self.state is None:
            return
        cid, held, then = self.state["conversation_id"], self.state, self._read_after()
        template = self.template.value or None
        body = None if template else self.body.value
        channel = self.channel.value or None

        def send() -> compose.Sent:
            return compose.compose(self.ctx.store, self.ctx.actor, cid, body=body, template_id=template,
                                   channel=channel, attachments=self._paths(), held=held, read_after=then)

        sent = self.ctx.attempt(send, self.ctx.t("inbox_done_send"))
        if sent is not None:
            self.body.value = ""
            self.upload.value = ()
            self.template.value = NO_TEMPLATE
            self._on_sent(cid, sent)
