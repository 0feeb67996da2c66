"""A real SMTP server for the tests (aiosmtpd on a free loopback port), scriptable:
refuse recipients, answer DATA with temporary errors, or hold a message to simulate a
slow server."""

import asyncio
import email
import email.policy
import socket
import threading
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Handler:
    #: Replies for the next DATA commands ("451 …"); when empty, messages are accepted.
    data_replies: list[str] = field(default_factory=list)
    #: address → reply for RCPT TO ("550 …").
    refuse: dict[str, str] = field(default_factory=dict)
    #: Seconds to wait before accepting each message (a slow server).
    delay: float = 0.0
    received: list[email.message.EmailMessage] = field(default_factory=list)
    attempts: int = 0
    #: Set while a message is being held by `delay` (so a test can kill the sender then).
    holding: threading.Event = field(default_factory=threading.Event)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.attempts += 1
        if self.data_replies:
            return self.data_replies.pop(0)
        if self.delay:
            self.holding.set()
            await asyncio.sleep(self.delay)
            self.holding.clear()
        self.received.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 2.0.0 Accepted"

    def message_ids(self) -> list[str]:
        return [message["Message-ID"] for message in self.received]


class SMTPServer:
    """Start and stop an aiosmtpd server on a fixed port (so it can go down and come back)."""

    def __init__(self, handler: Handler | None = None, port: int | None = None):
        self.handler = handler or Handler()
        self.port = port or free_port()
        self.controller: Controller | None = None

    def start(self) -> "SMTPServer":
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def mailers(self) -> dict:
        """A MAILERS setting that sends through this server."""
        return {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": self.port, "timeout": 5},
            }
        }

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"
