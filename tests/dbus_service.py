"""A session D-Bus of the test's own and a notification service on it, for the desktop
channel: ``dbus-daemon --session`` started by the test, and a small service owning
``org.freedesktop.Notifications`` (with jeepney) that answers ``Notify`` with an id and
records every call it receives. No mock: hstrack talks to a real bus."""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from jeepney import HeaderFields, MessageType, new_error, new_method_return
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import open_dbus_connection
from jeepney.wrappers import unwrap_msg

NAME = "org.freedesktop.Notifications"
PATH = "/org/freedesktop/Notifications"


@contextmanager
def session_bus(folder: Path, dbus_daemon: str) -> Iterator[str]:
    """A session bus listening in ``folder``; yields its address."""
    daemon = subprocess.Popen(
        [dbus_daemon, "--session", "--nofork", "--print-address", f"--address=unix:path={folder / 'bus'}"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert daemon.stdout is not None
        address = daemon.stdout.readline().strip()
        assert address.startswith("unix:"), daemon.stderr.read() if daemon.stderr else address
        yield address
    finally:
        daemon.terminate()
        daemon.wait(timeout=10)


class NotificationService:
    """Owns the notification service's name and records what it is asked."""

    def __init__(self, address: str, capabilities: tuple[str, ...] = ("body", "body-markup")) -> None:
        self.capabilities = list(capabilities)
        self.received: list[tuple[Any, ...]] = []  # the arguments of each Notify
        self.calls: list[str] = []
        self.connection = open_dbus_connection(bus=address)
        reply = self.connection.send_and_get_reply(message_bus.RequestName(NAME, 4), timeout=5)  # 4: do not queue
        assert unwrap_msg(reply) == (1,), "the service did not become the name's primary owner"
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                msg = self.connection.receive(timeout=0.05)
            except TimeoutError:
                continue
            if msg.header.message_type != MessageType.method_call:
                continue
            fields = msg.header.fields
            if fields.get(HeaderFields.path) != PATH or fields.get(HeaderFields.interface) != NAME:
                self.connection.send(new_error(msg, "org.freedesktop.DBus.Error.UnknownObject"))
                continue
            member = fields.get(HeaderFields.member)
            self.calls.append(member)
            if member == "Notify":
                self.received.append(tuple(msg.body))
                self.connection.send(new_method_return(msg, "u", (len(self.received),)))
            elif member == "GetCapabilities":
                self.connection.send(new_method_return(msg, "as", (self.capabilities,)))
            elif member == "GetServerInformation":
                self.connection.send(new_method_return(msg, "ssss", ("test", "hstrack tests", "1", "1.2")))
            else:
                self.connection.send(new_error(msg, "org.freedesktop.DBus.Error.UnknownMethod"))

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=5)
        self.connection.close()
