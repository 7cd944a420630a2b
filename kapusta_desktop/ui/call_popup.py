"""The call pop-up: the caller's card the moment the phone rings at this desk.

Frameless, always on top, a tool window that never takes keyboard focus
(WA_ShowWithoutActivating + WindowDoesNotAcceptFocus, buttons with NoFocus):
the operator keeps typing where they were. Several calls stack in the bottom
right corner. `PopupManager` turns the call desk's bus events into pop-ups
and routes the pop-ups' actions back to the desk. When a colleague answers a
call that rang here too (team mode, a queue), the pop-up says who took it,
keeps the card readable a few seconds and closes.
"""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QCloseEvent, QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kapusta_desktop.services.bus import EventBus
from kapusta_desktop.services.call_desk import (
    CallAnswered,
    CallDesk,
    CallEnded,
    CallerUpdated,
    CallRinging,
    CallTakenElsewhere,
)
from kapusta_desktop.services.caller_lookup import (
    REASON_COMPANY_LINE,
    REASON_EXACT,
    REASON_LEAD,
    CallerCard,
    CallerMatch,
)
from kapusta_desktop.ui.local_time import to_local

log = logging.getLogger(__name__)

POPUP_WIDTH = 380
MARGIN = 12
CLOSE_AFTER_END_MS = 4000
CLOSE_AFTER_TAKEN_MS = 6000  # longer than an ended call: the card stays readable while a colleague talks
TAKEN_STYLE = "font-weight: bold; color: #1565c0;"
SPARE_POPUPS = 2  # built ahead of time, so a ringing call only fills one in
MAX_SPARE_POPUPS = 6


def money(amount: Decimal, currency: str) -> str:
    text = f"{amount:,.2f}".replace(",", "\u00a0").replace(".", ",")
    return f"{text} {'₽' if currency == 'RUB' else currency}"


def reason_label(reason: str) -> str:
    """The lookup's match reason (a code from caller_lookup) in the operator's language."""
    labels = {
        REASON_EXACT: QCoreApplication.translate("CallPopup", "exact number"),
        REASON_COMPANY_LINE: QCoreApplication.translate("CallPopup", "company's main line"),
        REASON_LEAD: QCoreApplication.translate("CallPopup", "lead's number"),
    }
    return labels.get(reason, reason)


def kind_label(kind: str) -> str:
    labels = {
        "contact": QCoreApplication.translate("CallPopup", "contact"),
        "company": QCoreApplication.translate("CallPopup", "company"),
        "lead": QCoreApplication.translate("CallPopup", "lead"),
    }
    return labels.get(kind, kind)


def _no_focus_button(text: str) -> QPushButton:
    button = QPushButton(text)
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    button.setAutoDefault(False)
    return button


class CallPopup(QFrame):
    dismissed = Signal()
    open_deal = Signal(int)  # local deal id
    create_task = Signal(str, int)  # template, local deal id
    create_contact = Signal(str, bool)  # name, with a deal
    choose = Signal(object)  # CallerMatch

    def __init__(self, ringing: CallRinging | None = None, *, portal_url: str | None = None) -> None:
        super().__init__(None)
        self.entry_id: str | None = None
        self.call_id: str | None = None
        self.extension: str | None = None
        self._portal_url = (portal_url or "").rstrip("/")
        self.setObjectName("callPopup")
        self.setWindowFlags(
            Qt.WindowType.Tool
            | Qt.WindowType.FramelessWindowHint
            | Qt.WindowType.WindowStaysOnTopHint
            | Qt.WindowType.WindowDoesNotAcceptFocus
        )
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating, True)
        # Not deleted on close: PopupManager keeps closed pop-ups and reuses them (building one costs ms).
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setFrameShape(QFrame.Shape.Box)
        self.setFixedWidth(POPUP_WIDTH)
        self._answered_at: dt.datetime | None = None
        self._taken = False  # a colleague answered: the status says who, follow-up actions are theirs
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self._tick)
        self._close_timer = QTimer(self)  # a child: it dies with the pop-up, never fires on a deleted one
        self._close_timer.setSingleShot(True)
        self._close_timer.timeout.connect(self._dismiss)

        self.header = QLabel()
        self.header.setTextFormat(Qt.TextFormat.PlainText)
        self.vip = QLabel("★ VIP")
        self.vip.setStyleSheet("color: #b8860b; font-weight: bold;")
        self.status = QLabel()
        self.name = QLabel()
        self.name.setStyleSheet("font-size: 15px; font-weight: bold;")
        self.name.setTextFormat(Qt.TextFormat.PlainText)
        self.name.setWordWrap(True)
        self.reason = QLabel()
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.PlainText)
        self.matches = QListWidget()
        self.matches.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.matches.setMaximumHeight(90)
        self.matches.itemClicked.connect(self._chosen)
        self.new_name = QLineEdit()  # only for an unknown number; takes focus only when clicked
        self.new_name.setPlaceholderText(self.tr("Name of the new contact"))
        self.new_name.setFocusPolicy(Qt.FocusPolicy.ClickFocus)

        self.open_deal_button = _no_focus_button(self.tr("Open deal"))
        self.open_b24_button = _no_focus_button(self.tr("Open in Bitrix24"))
        self.call_back_button = _no_focus_button(self.tr("Task: call back"))
        self.offer_button = _no_focus_button(self.tr("Task: send offer"))
        self.new_contact_button = _no_focus_button(self.tr("Create contact"))
        self.new_contact_deal_button = _no_focus_button(self.tr("Contact + deal"))
        self.dismiss_button = _no_focus_button(self.tr("Dismiss"))
        self.open_deal_button.clicked.connect(self._open_deal)
        self.open_b24_button.clicked.connect(self._open_b24)
        self.call_back_button.clicked.connect(lambda: self._task("call_back"))
        self.offer_button.clicked.connect(lambda: self._task("send_offer"))
        self.new_contact_button.clicked.connect(lambda: self.create_contact.emit(self.new_name.text(), False))
        self.new_contact_deal_button.clicked.connect(lambda: self.create_contact.emit(self.new_name.text(), True))
        self.dismiss_button.clicked.connect(self._dismiss)

        top = QHBoxLayout()
        top.addWidget(self.header, 1)
        top.addWidget(self.vip)
        actions = QHBoxLayout()
        for b in (self.open_deal_button, self.open_b24_button):
            actions.addWidget(b)
        tasks = QHBoxLayout()
        for b in (self.call_back_button, self.offer_button):
            tasks.addWidget(b)
        unknown = QHBoxLayout()
        for w in (self.new_name, self.new_contact_button, self.new_contact_deal_button):
            unknown.addWidget(w)
        self.body = QWidget()
        body = QVBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        for w in (self.reason, self.matches, self.details):
            body.addWidget(w)
        body.addLayout(actions)
        body.addLayout(tasks)
        body.addLayout(unknown)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addWidget(self.name)
        layout.addWidget(self.body)
        layout.addWidget(self.dismiss_button)
        self.card = CallerCard(number=None, e164=None, display="")
        # Where the operator was when the call came in (see event()).
        self._return_window: QWidget | None = None
        self._return_focus: QWidget | None = None
        if ringing is not None:
            self.bind(ringing, portal_url=portal_url)

    def bind(self, ringing: CallRinging, *, portal_url: str | None = None) -> None:
        """Show this (new or reused) pop-up for a call ringing here."""
        self.entry_id = ringing.entry_id
        self.call_id = ringing.call_id
        self.extension = ringing.extension
        self._portal_url = (portal_url or "").rstrip("/")
        self._answered_at = None
        self._taken = False
        self._timer.stop()
        self._close_timer.stop()
        if self.status.styleSheet():  # a reused pop-up may still wear the "taken" look
            self.status.setStyleSheet("")
        status = self.tr("Ringing at %1").replace("%1", ringing.extension)
        self.status.setText(status + self.tr(" (transferred)") if ringing.transferred else status)
        self.body.setVisible(True)
        self.new_name.clear()
        self.set_card(ringing.card)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._release()
        super().closeEvent(event)

    def _release(self) -> None:
        """The call is done with this pop-up: stop its timers and tell the manager (once)."""
        if self.entry_id is None:
            return
        self._timer.stop()
        self._close_timer.stop()
        self.dismissed.emit()
        self.entry_id = self.call_id = None

    def show_passively(self) -> None:
        """Show without taking the keyboard from whatever the operator is typing in."""
        window, focus = QApplication.activeWindow(), QApplication.focusWidget()
        if window is not None and window.windowFlags() & Qt.WindowType.WindowDoesNotAcceptFocus:
            window = None  # another pop-up (activated by a platform that ignores the flag) is no place to return to
        self._return_window = window if window is not None and window is not self else None
        self._return_focus = focus if focus is not None and not self.isAncestorOf(focus) else None
        self.show()

    def event(self, event: QEvent) -> bool:
        # The flags above keep real window systems from activating us; some platform plugins
        # (offscreen, a few Wayland compositors) activate every new window anyway: hand it back.
        if event.type() == QEvent.Type.WindowActivate and self._return_window is not None:
            QTimer.singleShot(0, self, self._give_focus_back)
        return super().event(event)

    def _give_focus_back(self) -> None:
        window, focus = self._return_window, self._return_focus
        if focus is not None and not shiboken6.isValid(focus):
            focus = None
        if window is not None and shiboken6.isValid(window) and window.isVisible():
            window.activateWindow()
            if focus is not None:
                focus.setFocus(Qt.FocusReason.ActiveWindowFocusReason)

    # ---- content ------------------------------------------------------------------------------

    def set_card(self, card: CallerCard) -> None:
        self.card = card
        best = card.best
        self.header.setText(card.display)
        self.vip.setVisible(card.is_vip)
        self.name.setText(best.name if best else self.tr("Unknown number"))
        self.reason.setText(self._reason_text(card))
        if self.matches.count():
            self.matches.clear()
        self.matches.setVisible(len(card.matches) > 1)
        if len(card.matches) > 1:  # one match needs no list to choose from
            for m in card.matches:
                item = QListWidgetItem(f"{m.name} — {m.company_name or kind_label(m.kind)} ({reason_label(m.reason)})")
                item.setData(Qt.ItemDataRole.UserRole, m)
                self.matches.addItem(item)
        self.details.setText(self._details_text(card))
        self._show_actions()
        # No adjustSize here: the manager sizes and places every pop-up once in _restack().

    def _show_actions(self) -> None:
        best = self.card.best
        has_deal = bool(best and best.deals)
        self.open_deal_button.setVisible(has_deal)  # still useful to whoever took the call: look at the deal
        self.open_b24_button.setVisible(bool(best and best.b24_id and self._portal_url))
        # Follow-ups and a new contact belong to the colleague on the line: two desks would make two.
        for b in (self.call_back_button, self.offer_button):
            b.setVisible(has_deal and not self._taken)
        for w in (self.new_name, self.new_contact_button, self.new_contact_deal_button):
            w.setVisible(best is None and self.card.e164 is not None and not self._taken)

    def fitted_height(self) -> int:
        """The height at the fixed width, from the layout's height-for-width. adjustSize() would
        first ask every word-wrapped label for its preferred width: milliseconds per pop-up."""
        layout = self.layout()
        if layout is None:
            return self.sizeHint().height()
        return max(layout.totalHeightForWidth(POPUP_WIDTH), layout.totalMinimumSize().height())

    def _reason_text(self, card: CallerCard) -> str:
        if not card.matches:
            return self.tr("Not in the CRM")
        text = self.tr("Matched by: %1").replace("%1", reason_label(card.best.reason) if card.best else "")
        if len(card.matches) > 1:
            text += self.tr(" — %1 matches, pick one").replace("%1", str(len(card.matches)))
            if card.remembered:
                text += self.tr(" (your earlier choice first)")
        return text

    def _details_text(self, card: CallerCard) -> str:
        best = card.best
        lines: list[str] = []
        if best:
            if best.company_name and best.kind == "contact":
                lines.append(self.tr("Company: %1").replace("%1", best.company_name))
            if best.responsible_name:
                lines.append(self.tr("Responsible: %1").replace("%1", best.responsible_name))
            if best.deals:
                lines.append(self.tr("Open deals:"))
                lines += [f"  • {d.title} — {d.stage_name}, {money(d.amount, d.currency)}" for d in best.deals[:4]]
            if best.tasks:
                lines.append(self.tr("Open tasks:"))
                lines += [
                    f"  • {t.title}" + (f" ({t.deadline:%d.%m %H:%M})" if t.deadline else "") for t in best.tasks[:3]
                ]
        if card.last_calls:
            lines.append(self.tr("Last calls:"))
            for c in card.last_calls[:3]:
                kind = {"answered": "✓", "missed": "✗"}.get(c.result, "·")
                arrow = "←" if c.direction == 1 else "→"
                seconds = self.tr("%1 s").replace("%1", str(c.talk_seconds))
                lines.append(f"  {kind} {arrow} {to_local(c.started_at):%d.%m %H:%M}, {seconds}")
        return "\n".join(lines)

    # ---- live state ---------------------------------------------------------------------------

    def mark_answered(self, at: dt.datetime | None = None) -> None:
        self._answered_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        self._tick()
        self._timer.start()

    def _tick(self) -> None:
        if self._answered_at is None:
            return
        seconds = int((dt.datetime.now(dt.UTC).replace(tzinfo=None) - self._answered_at).total_seconds())
        self.status.setText(self.tr("Talking %1").replace("%1", f"{seconds // 60:02d}:{seconds % 60:02d}"))

    @property
    def answered_here(self) -> bool:
        return self._answered_at is not None

    def taken_text(self, extension: str | None, manager_name: str | None) -> str:
        # %2 first: a manager's name is free text, an extension is digits.
        if manager_name and extension:
            return self.tr("Taken by %1 (ext. %2)").replace("%2", extension).replace("%1", manager_name)
        if extension:
            return self.tr("Taken at ext. %1").replace("%1", extension)
        if manager_name:
            return self.tr("Taken by %1").replace("%1", manager_name)
        return self.tr("Taken by a colleague")

    def mark_taken(self, extension: str | None, manager_name: str | None, close_after_ms: int | None = None) -> None:
        """A colleague answered: say who, keep the card readable for a few seconds, then close.

        Whichever comes first, this or the CallEnded of this desk's leg (a queue drops the other
        legs as one answers), the pop-up ends up the same: the "taken by" line wins.
        """
        self._taken = True
        self._timer.stop()  # nothing is ringing or talking here
        self.status.setText(self.taken_text(extension, manager_name))
        self.status.setStyleSheet(TAKEN_STYLE)
        self.body.setVisible(True)  # an earlier CallEnded may have collapsed it
        self._show_actions()
        layout = self.layout()
        if layout is not None:
            layout.activate()  # the minimum height follows the hidden buttons now, not at the next paint
        self._close_timer.start(CLOSE_AFTER_TAKEN_MS if close_after_ms is None else close_after_ms)

    def mark_ended(self, answered: bool, close_after_ms: int = CLOSE_AFTER_END_MS) -> None:
        self._timer.stop()
        if self._taken:
            return  # keep saying who took it; its close timer already runs
        self.status.setText(self.tr("Call ended") if answered or self._answered_at else self.tr("Call ended: missed"))
        self.body.setVisible(False)  # collapse to the header, then go
        self.adjustSize()
        self._close_timer.start(close_after_ms)

    # ---- actions ------------------------------------------------------------------------------

    def _first_deal_id(self) -> int | None:
        best = self.card.best
        return best.deals[0].id if best and best.deals else None

    def _open_deal(self) -> None:
        deal_id = self._first_deal_id()
        if deal_id is not None:
            self.open_deal.emit(deal_id)

    def bitrix24_url(self) -> str | None:
        best = self.card.best
        if not best or not self._portal_url:
            return None
        if best.deals and best.deals[0].b24_id:
            return f"{self._portal_url}/crm/deal/details/{best.deals[0].b24_id}/"
        if best.b24_id:
            return f"{self._portal_url}/crm/{best.kind}/details/{best.b24_id}/"
        return None

    def _open_b24(self) -> None:
        url = self.bitrix24_url()
        if url:
            QDesktopServices.openUrl(QUrl(url))

    def _task(self, template: str) -> None:
        deal_id = self._first_deal_id()
        if deal_id is not None:
            self.create_task.emit(template, deal_id)

    def _chosen(self, item: QListWidgetItem) -> None:
        match = item.data(Qt.ItemDataRole.UserRole)
        if isinstance(match, CallerMatch):
            self.choose.emit(match)

    def _dismiss(self) -> None:
        self.close()  # closeEvent releases it to the manager


class PopupManager(QObject):
    """Shows, updates, stacks and closes pop-ups from the call desk's events."""

    popup_shown = Signal(object)  # CallPopup, once it is visible with the caller's name
    open_deal = Signal(int)
    notice = Signal(str)  # a short message for the status bar (e.g. a refused action)

    def __init__(
        self,
        bus: EventBus,
        desk: CallDesk | None = None,
        *,
        portal_url: str | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.desk = desk
        # For "Open in Bitrix24"; set by the owner before calls come in (a settings read per ring costs a query).
        self.portal_url = portal_url
        self.popups: dict[tuple[str, str], CallPopup] = {}
        # Closed pop-ups wait here to be reused: a call's pop-up is filled in, not built (see _take).
        self._spare: list[CallPopup] = []
        QTimer.singleShot(0, self, self._prewarm)
        # The bus calls back on the loop's thread, which under qasync is the GUI thread.
        self._unsubscribe = [
            bus.subscribe(CallRinging, self._on_ringing),
            bus.subscribe(CallAnswered, self._on_answered),
            bus.subscribe(CallEnded, self._on_ended),
            bus.subscribe(CallTakenElsewhere, self._on_taken_elsewhere),
            bus.subscribe(CallerUpdated, self._on_updated),
        ]

    def shutdown(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe = []
        self._shut = True
        for popup in [*self.popups.values(), *self._spare]:
            popup.close()
            popup.deleteLater()
        self.popups.clear()
        self._spare.clear()

    # ---- the pool -----------------------------------------------------------------------------

    _shut = False

    def _build(self) -> CallPopup:
        popup = CallPopup()
        popup.dismissed.connect(lambda p=popup: self._release(p))
        popup.open_deal.connect(self.open_deal)
        popup.create_task.connect(lambda template, deal_id: self._create_task(template, deal_id))
        popup.create_contact.connect(lambda name, with_deal, p=popup: self._create_contact(p, name, with_deal))
        popup.choose.connect(lambda match, p=popup: self._choose(p, match))
        popup.ensurePolished()
        popup.winId()  # the native window too, ahead of the call
        return popup

    def _prewarm(self) -> None:
        """Keep SPARE_POPUPS ready, built while nothing rings (scheduled, never on the ringing path)."""
        if not self._shut and len(self._spare) < SPARE_POPUPS:
            self._spare.append(self._build())
            if len(self._spare) < SPARE_POPUPS:
                QTimer.singleShot(0, self, self._prewarm)

    def _take(self) -> CallPopup:
        popup = self._spare.pop() if self._spare else self._build()
        if len(self._spare) < SPARE_POPUPS:
            QTimer.singleShot(0, self, self._prewarm)
        return popup

    def _release(self, popup: CallPopup) -> None:
        key = next((k for k, p in self.popups.items() if p is popup), None)
        if key is None:
            return
        del self.popups[key]
        if not self._shut and len(self._spare) < MAX_SPARE_POPUPS:
            self._spare.append(popup)
        else:
            popup.deleteLater()
        self._restack()

    # ---- call events --------------------------------------------------------------------------

    def _on_ringing(self, event: CallRinging) -> None:
        key = (event.entry_id, event.call_id)
        if key in self.popups:
            return
        popup = self._take()
        popup.bind(event, portal_url=self.portal_url)
        self.popups[key] = popup
        self._place(popup, self._bottom_of_stack(exclude=popup))
        popup.show_passively()
        self.popup_shown.emit(popup)

    def _on_answered(self, event: CallAnswered) -> None:
        popup = self.popups.get((event.entry_id, event.call_id))
        if popup is not None:
            popup.mark_answered(event.at)

    def _on_ended(self, event: CallEnded) -> None:
        popup = self.popups.get((event.entry_id, event.call_id))
        if popup is not None:
            popup.mark_ended(event.answered)
            self._restack()

    def _on_taken_elsewhere(self, event: CallTakenElsewhere) -> None:
        # Only pop-ups still on screen: a dismissed or closed one is not shown again.
        popups = [p for (entry_id, _), p in self.popups.items() if entry_id == event.entry_id]
        for popup in popups:
            if not popup.answered_here:  # a leg this desk talked on (then transferred) ends by itself
                popup.mark_taken(event.extension, event.manager_name)
        if popups:
            self._restack()

    def _on_updated(self, event: CallerUpdated) -> None:
        for (entry_id, _), popup in self.popups.items():
            if entry_id == event.entry_id:
                popup.set_card(event.card)
        self._restack()

    @staticmethod
    def _screen_corner() -> tuple[int, int]:
        screen = QGuiApplication.primaryScreen()
        area = screen.availableGeometry() if screen else None
        return (area.right() if area else 1280) - MARGIN, (area.bottom() if area else 800) - MARGIN

    def _bottom_of_stack(self, exclude: CallPopup | None = None) -> int:
        """Where the next pop-up's bottom edge goes: above the ones already shown."""
        _, bottom = self._screen_corner()
        for popup in self.popups.values():
            if popup is not exclude:
                bottom = min(bottom, popup.y() - MARGIN)
        return bottom

    def _place(self, popup: CallPopup, bottom: int) -> int:
        right, _ = self._screen_corner()
        height = popup.fitted_height()
        popup.setGeometry(right - POPUP_WIDTH, bottom - height, POPUP_WIDTH, height)
        return bottom - height - MARGIN

    def _restack(self) -> None:
        _, bottom = self._screen_corner()
        for popup in self.popups.values():
            bottom = self._place(popup, bottom)

    # ---- actions back to the desk -------------------------------------------------------------

    def _create_task(self, template: str, deal_id: int) -> None:
        if self.desk is None:
            return
        try:
            task = self.desk.create_task_from_template(template, deal_id=deal_id)
        except Exception as exc:  # the validation text is for the operator
            self.notice.emit(str(exc))
            return
        self.notice.emit(self.tr("Task created: %1").replace("%1", task.title))

    def _create_contact(self, popup: CallPopup, name: str, with_deal: bool) -> None:
        if self.desk is None:
            return
        try:
            self.desk.create_contact_from_call(popup.entry_id, popup.card, name=name, with_deal=with_deal)
        except Exception as exc:
            self.notice.emit(str(exc))

    def _choose(self, popup: CallPopup, match: CallerMatch) -> None:
        if self.desk is None:
            return
        popup.set_card(self.desk.choose_match(popup.entry_id, popup.card, match))
