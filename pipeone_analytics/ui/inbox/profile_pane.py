"""Right pane: the contact profile (editable name, phone re-validated, email, custom attributes) and the star
rating; clicking the stars shows the meaning table and this contact's explanation."""
from __future__ import annotations

import json
from typing import Callable

import ipywidgets as w

from ...core.conversations import contact_profile
from ...core.ratings import meaning_table, ratings
from ...ops import contacts
from ...phones import check_phone
from .context import Context
from .render import attributes_html, contact_label, esc, meaning_html, phone_state, present, stars_text


class ProfilePane(w.VBox):
    """Opens with show_contact(contact_id); calls on_saved() after a successful edit."""

    def __init__(self, ctx: Context, on_saved: Callable[[], None]) -> None:
        self.ctx, self._on_saved = ctx, on_saved
        t = ctx.t
        self.title = w.HTML()
        self.stars = w.Button(description="", tooltip=t("inbox_stars_tooltip"), layout=w.Layout(width="auto"))
        self.stars.add_class("p1-stars-button")
        self.stars.on_click(lambda _: self.toggle_meaning())
        self.meaning = w.HTML(layout=w.Layout(display="none"))
        self.name = w.Text(description=t("inbox_name"), placeholder=t("inbox_name"), layout=w.Layout(width="100%"))
        self.phone = w.Text(description=t("inbox_phone"), placeholder=t("inbox_phone"), layout=w.Layout(width="100%"))
        self.phone_check = w.HTML()
        self.email = w.Text(description=t("inbox_email"), placeholder=t("inbox_email"), layout=w.Layout(width="100%"))
        for field in (self.name, self.phone, self.email):
            field.style.description_width = "60px"
        self.phone.observe(lambda _: self._check_phone(), names="value")
        self.save = w.Button(description=t("inbox_save_contact"), icon="save", button_style="primary")
        self.save.on_click(lambda _: self.save_contact())
        self.attributes = w.HTML()
        self.key = w.Text(placeholder=t("inbox_attribute_key"), layout=w.Layout(width="40%"))
        self.value = w.Text(placeholder=t("inbox_attribute_value"), layout=w.Layout(width="40%"))
        self.add = w.Button(description=t("inbox_add_attribute"), icon="plus", layout=w.Layout(width="auto"))
        self.add.on_click(lambda _: self.add_attribute())
        self.contact_id: str | None = None
        self.row: dict = {}
        self.rating: dict = {}
        self.form = w.VBox([self.title, self.stars, self.meaning, self.name, self.phone, self.phone_check,
                            self.email, self.save,
                            w.HTML(f"<div class='p1-kv' style='margin-top:8px'>"
                                   f"<b>{esc(t('inbox_attributes'))}</b></div>"),
                            self.attributes, w.HBox([self.key, self.value, self.add])],
                           layout=w.Layout(padding="10px", display="none", flex="0 0 auto"))
        self.form.add_class("p1-form")
        self.hint = w.HTML(f"<div class='p1-empty'>{esc(t('inbox_profile_hint'))}</div>")
        head = w.HTML(f"<div class='p1-title'>{esc(t('inbox_profile'))}</div>")
        head.add_class("p1-pane-head")
        super().__init__([head, self.hint, self.form], layout=w.Layout(width="25%", min_width="260px",
                                                                       height="100%", overflow_y="auto"))
        self.add_class("p1-pane")

    def show_contact(self, contact_id: str) -> None:
        """Load and show the contact's profile and rating."""
        self.contact_id = contact_id
        self.reload()
        self.hint.layout.display = "none"
        self.form.layout.display = None

    def hide_contact(self) -> None:
        """Back to the hint (another conversation was selected)."""
        self.contact_id = None
        self.hint.layout.display = None
        self.form.layout.display = "none"
        self.meaning.layout.display = "none"

    def reload(self) -> None:
        """Re-read the profile row and the rating."""
        with self.ctx.reading():
            if self.contact_id is None:
                return
            frame = self.ctx.attempt(lambda: contact_profile(self.ctx.source, self.contact_id))
            rated = self.ctx.attempt(lambda: ratings(self.ctx.source, contacts=[self.contact_id],
                                                     locale=self.ctx.locale))
            if frame is None or rated is None:
                return
            self.row = frame.iloc[0].to_dict() if len(frame) else {"contact_id": self.contact_id}
            self.rating = rated.iloc[0].to_dict() if len(rated) else {}
            who = contact_label(self.row.get("name"), self.row.get("phone"), self.contact_id)
            self.title.value = (f"<div class='p1-title'>{esc(who)}"
                                f"</div><div class='p1-muted'>{esc(self.contact_id)}</div>")
            for field in ("name", "phone", "email"):
                getattr(self, field).value = str(self.row[field]) if present(self.row.get(field)) else ""
            self._check_phone()
            attributes = self.row.get("attributes")
            self.attributes.value = attributes_html(json.loads(attributes) if present(attributes) else {}) or (
                f"<span class='p1-muted'>{esc(self.ctx.t('inbox_no_attributes'))}</span>")
            if self.rating:
                self.stars.description = f"{stars_text(self.rating['stars'])}  {self.rating['label']}"
                self.meaning.value = meaning_html(meaning_table(self.ctx.locale), self.rating, self.ctx.locale)
            for button in (self.save, self.add):
                self.ctx.gate(button, "edit_contact", None)

    def toggle_meaning(self) -> None:
        """Show or hide the meaning table and the explanation."""
        self.meaning.layout.display = None if self.meaning.layout.display == "none" else "none"

    def _check_phone(self) -> None:
        _, valid = check_phone(self.phone.value or None, self.ctx.store.settings.phone_region)
        css = "p1-muted" if valid is None else "p1-ok" if valid else "p1-bad"
        self.phone_check.value = (f"<div class='{css}' style='margin-left:64px;font-size:12px'>"
                                  f"{esc(phone_state(valid, self.ctx.locale))}</div>")

    def save_contact(self) -> None:
        """Write the changed fields through ops (the phone is validated again there)."""
        changes = {f: getattr(self, f).value for f in ("name", "phone", "email")
                   if getattr(self, f).value != (str(self.row[f]) if present(self.row.get(f)) else "")}
        if not changes:
            self.ctx.notice.show(self.ctx.t("inbox_nothing_to_save"), "info")
            return
        done = self.ctx.attempt(lambda: contacts.update_contact(self.ctx.store, self.ctx.actor, self.contact_id,
                                                                **changes), self.ctx.t("inbox_contact_saved"))
        if done is not None:
            self.reload()
            self._on_saved()

    def add_attribute(self) -> None:
        """Add or change one custom attribute."""
        key, value = self.key.value.strip(), self.value.value.strip()
        if not key:
            self.ctx.notice.show(self.ctx.t("inbox_attribute_key_required"), "error")
            return
        done = self.ctx.attempt(lambda: contacts.update_contact(self.ctx.store, self.ctx.actor, self.contact_id,
                                                                attributes={key: value}),
                                self.ctx.t("inbox_contact_saved"))
        if done is not None:
            self.key.value = self.value.value = ""
            self.reload()
