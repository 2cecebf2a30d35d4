"""Where `hstrack notify` sends: the desktop, a command of yours, or apprise's services.

Each channel is opened on its first notification (a run with nothing due touches no bus,
starts no command and imports nothing), and raises ``ChannelError`` with one line when it
cannot deliver, so that notification is not marked sent. Stored text (a title's name) is
data: it goes into D-Bus strings, JSON on a command's stdin, or apprise's message, and
never into a command line or a shell.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from typing import Any

from hstrack.core.errors import UsageError
from hstrack.core.text import inert
from hstrack.notify.notification import ChannelError, Notification

EXEC_TIMEOUT = 60.0  # seconds a --exec command may take over one notification
EXEC_TIMEOUT_VARIABLE = "HSTRACK_EXEC_TIMEOUT"


def exec_timeout(environ: Mapping[str, str]) -> float:
    """``HSTRACK_EXEC_TIMEOUT``: seconds a hook may take, 0.1 to 3600; unset or empty: 60."""
    from hstrack.core.seconds import seconds

    return seconds(environ, EXEC_TIMEOUT_VARIABLE, EXEC_TIMEOUT, 0.1, 3600)


DBUS_TIMEOUT = 10.0
APP_NAME = "hstrack"


def body(n: Notification) -> str:
    """The notification's text under its title's name: "release 3 Oct 2026 · tomorrow"."""
    text = n.summary
    if n.origin is not None:
        from hstrack.core.references import SOURCE_NAMES

        text += f" ({SOURCE_NAMES.get(n.origin, n.origin)})"
    return text + (" (late)" if n.late else "")


class Channel:
    name = "channel"

    def open(self) -> None:
        """Make ready to send; ChannelError when it cannot (nothing is sent then)."""

    def send(self, n: Notification) -> None:
        raise NotImplementedError

    def close(self) -> None:
        """Let go of what ``open`` took."""


# ---------------------------------------------------------------------------- the desktop

NOTIFICATIONS = "org.freedesktop.Notifications"
NOTIFICATIONS_PATH = "/org/freedesktop/Notifications"
_ADDRESS_SAFE = frozenset("-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_/.\\*")


def session_bus(environ: Mapping[str, str]) -> str:
    """The session bus's address: ``DBUS_SESSION_BUS_ADDRESS``, else the socket systemd and
    dbus-broker put in ``$XDG_RUNTIME_DIR/bus`` (``/run/user/UID/bus``), which a cron job,
    not having the variable, still finds."""
    import stat
    from pathlib import Path

    given = environ.get("DBUS_SESSION_BUS_ADDRESS", "").strip()
    if given:
        return given
    folder = environ.get("XDG_RUNTIME_DIR") or f"/run/user/{os.getuid()}"
    path = Path(folder) / "bus"
    try:
        is_socket = stat.S_ISSOCK(os.stat(path).st_mode)
    except OSError:
        is_socket = False
    if not is_socket:
        raise ChannelError(
            f"no desktop session bus: DBUS_SESSION_BUS_ADDRESS is not set and there is no {inert(str(path))}"
        )
    escaped = "".join(ch if ch in _ADDRESS_SAFE else "".join(f"%{b:02x}" for b in ch.encode()) for ch in str(path))
    return f"unix:path={escaped}"


def markup_escaped(text: str) -> str:
    """Text for a notification body on a server that reads markup (``body-markup``): a
    name with ``<b>`` or ``&amp;`` in it shows as written, not as markup."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class Desktop(Channel):
    """The freedesktop notification service (GNOME, KDE, dunst, mako, xfce4-notifyd, …) on
    the session D-Bus, through jeepney; on macOS, Notification Center through osascript."""

    name = "desktop"

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self.environ = os.environ if environ is None else environ
        self.connection: Any = None
        self.markup = False

    def open(self) -> None:
        if sys.platform == "darwin":
            return
        address = session_bus(self.environ)
        from jeepney.io.blocking import open_dbus_connection

        try:
            self.connection = open_dbus_connection(bus=address)
        except (OSError, ValueError, RuntimeError, KeyError, IndexError, StopIteration) as exc:
            # OSError: nothing listens there; ValueError: an address jeepney cannot parse, or
            # the bus refused us (AuthenticationError); RuntimeError: a transport it lacks (tcp:)
            where = inert(address[:200])
            raise ChannelError(f"cannot reach the desktop session bus at {where}: {_reason(exc)}") from None
        (capabilities,) = self._call("GetCapabilities", None, ())
        self.markup = "body-markup" in capabilities

    def _call(self, method: str, signature: str | None, args: tuple[Any, ...]) -> tuple[Any, ...]:
        from jeepney import DBusAddress, new_method_call
        from jeepney.wrappers import DBusErrorResponse, unwrap_msg

        target = DBusAddress(NOTIFICATIONS_PATH, bus_name=NOTIFICATIONS, interface=NOTIFICATIONS)
        try:
            reply = self.connection.send_and_get_reply(new_method_call(target, method, signature, args),
                                                       timeout=DBUS_TIMEOUT)  # fmt: skip
            return tuple(unwrap_msg(reply))
        except DBusErrorResponse as exc:
            if exc.name in ("org.freedesktop.DBus.Error.ServiceUnknown", "org.freedesktop.DBus.Error.NameHasNoOwner"):
                raise ChannelError(f"no notification service on the desktop session bus ({NOTIFICATIONS})") from None
            raise ChannelError(f"the desktop notification service refused {method}: {_reason(exc)}") from None
        except (OSError, ValueError, TimeoutError) as exc:
            raise ChannelError(f"the desktop notification service did not answer {method}: {_reason(exc)}") from None

    def send(self, n: Notification) -> None:
        summary, text = inert(n.title_name), inert(body(n))
        if sys.platform == "darwin":
            _osascript(summary, text)
            return
        hints: dict[str, tuple[str, Any]] = {"urgency": ("y", 1), "category": ("s", "x-hstrack." + n.kind)}
        self._call(
            "Notify",
            "susssasa{sv}i",
            (APP_NAME, 0, "", summary, markup_escaped(text) if self.markup else text, [], hints, -1),
        )

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def _osascript(title: str, text: str) -> None:
    """macOS: Notification Center, the words passed as arguments (never inside the script)."""
    import subprocess

    script = ["-e", "on run argv", "-e", "display notification (item 2 of argv) with title (item 1 of argv)",
              "-e", "end run"]  # fmt: skip
    try:
        done = subprocess.run(["osascript", *script, title, text], capture_output=True, timeout=DBUS_TIMEOUT,
                              check=False)  # fmt: skip
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ChannelError(f"osascript could not show the notification: {_reason(exc)}") from None
    if done.returncode != 0:
        raise ChannelError(f"osascript could not show the notification (exit {done.returncode})")


def _reason(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return inert(text[:200])


# ---------------------------------------------------------------------------- a command


class Exec(Channel):
    """A command of yours, once per notification, with the notification as one line of JSON
    on its stdin. The command line is split like a shell would (shlex) but run without one:
    only the words you gave run, and no stored text is ever put into them."""

    name = "exec"

    def __init__(self, command: str, echo: Callable[[str], None]) -> None:
        import shlex

        try:
            self.argv = shlex.split(command)
        except ValueError as exc:
            raise UsageError(f"--exec {command[:80]!r}: {exc}") from None
        if not self.argv:
            raise UsageError("--exec needs a command")
        self.echo = echo
        self.timeout = exec_timeout(os.environ)

    @property
    def program(self) -> str:
        return inert(self.argv[0][:120])

    def open(self) -> None:
        import shutil

        found = shutil.which(self.argv[0]) if os.sep not in self.argv[0] else self.argv[0]
        if found is None or not os.access(found, os.X_OK) or os.path.isdir(found):
            raise ChannelError(f"--exec: {self.program} is not a program that can be run (looked on PATH)")

    def send(self, n: Notification) -> None:
        from hstrack.notify import hook

        try:
            done = hook.run(self.argv, n.encoded(), self.timeout)
        except OSError as exc:
            raise ChannelError(f"--exec {self.program}: {_reason(exc)}") from None
        said = done.output.decode("utf-8", "replace").rstrip("\n")
        if said or done.dropped:
            from hstrack.core.text import inert_document

            cut = f"\n… ({done.dropped} more bytes of its output not shown)" if done.dropped else ""
            self.echo(inert_document(said) + cut)
        if done.timed_out:
            raise ChannelError(
                f"--exec {self.program} took more than {self.timeout:g} s and was stopped, with every process "
                "it started"
            )
        if done.code != 0:
            code = done.code or 0
            how = f"was killed by signal {-code}" if code < 0 else f"exited {code}"
            raise ChannelError(f"--exec {self.program} {how}")


# ---------------------------------------------------------------------------- apprise


class Apprise(Channel):
    """apprise's services (ntfy, Gotify, Telegram, mail, …) by URL. apprise is an optional
    install (``pip install 'hstrack[apprise]'``), imported only here: it takes about 100 ms."""

    name = "apprise"

    def __init__(self, urls: list[str]) -> None:
        try:
            import apprise
        except ImportError:
            raise ChannelError("--apprise needs the apprise package: pip install 'hstrack[apprise]'") from None
        self.apprise = apprise
        self.service = apprise.Apprise()
        with _quiet(apprise) as said:
            for i, url in enumerate(urls, 1):
                if not self.service.add(url):
                    scheme = url.partition("://")[0][:20] if "://" in url else "no scheme"
                    why = f": {said[-1]}" if said else ""
                    raise UsageError(f"--apprise #{i} ({inert(scheme)}://…) is not an address apprise can use{why}")

    def send(self, n: Notification) -> None:
        with _quiet(self.apprise) as said:
            ok = self.service.notify(title=n.title_name, body=body(n), body_format=self.apprise.NotifyFormat.TEXT)
        if not ok:
            why = f": {said[-1]}" if said else ""
            raise ChannelError(f"apprise could not deliver the notification{why}")


class _quiet:
    """apprise's log lines, kept to say why in one line of ours rather than printed."""

    def __init__(self, apprise: Any) -> None:
        import logging

        self.logger = logging.getLogger("apprise")
        self.said: list[str] = []
        owner = self

        class Keep(logging.Handler):
            def emit(self, record: logging.LogRecord) -> None:
                if record.levelno >= logging.WARNING:
                    owner.said.append(inert(" ".join(record.getMessage().split())[:200]))

        self.handler = Keep()

    def __enter__(self) -> list[str]:
        self.propagate = self.logger.propagate
        self.logger.addHandler(self.handler)
        self.logger.propagate = False
        return self.said

    def __exit__(self, *exc: object) -> None:
        self.logger.removeHandler(self.handler)
        self.logger.propagate = self.propagate


# ---------------------------------------------------------------------------- all of them


class Channels:
    """The channels a run sends to, opened on the first notification: a notification is
    sent when every channel took it."""

    def __init__(self, channels: list[Channel]) -> None:
        self.channels = channels
        self.opened = False

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.channels]

    def send(self, n: Notification) -> None:
        if not self.opened:
            for channel in self.channels:
                channel.open()
            self.opened = True
        for channel in self.channels:
            channel.send(n)

    def close(self) -> None:
        for channel in self.channels:
            channel.close()
