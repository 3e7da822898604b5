"""A real IMAP server for the one-time-code login tests: pymap (PyPI, pure Python, asyncio),
its in-memory backend, started in a child process on 127.0.0.1 without TLS.

Mail "sent" to the user is APPENDed to its INBOX over IMAP (``deliver``), as a mail server
would file it; assay then reads it over IMAP like any client (``ASSAY_IMAP_SSL=0``).
"""

from __future__ import annotations

import imaplib
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

HOST = "127.0.0.1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def pymap_available() -> bool:
    return shutil.which("pymap", path=str(Path(sys.executable).parent)) is not None


@dataclass
class ImapServer:
    port: int
    address: str
    password: str
    process: subprocess.Popen[bytes]

    def deliver(self, subject: str, body: str, sender: str = "no-reply@shop.test") -> None:
        """File a mail to the user in its INBOX (over IMAP APPEND)."""
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = sender, self.address, subject
        message.set_content(body)
        client = imaplib.IMAP4(HOST, self.port, timeout=10)
        try:
            client.login(self.address, self.password)
            client.append("INBOX", None, imaplib.Time2Internaldate(time.time()), message.as_bytes())
        finally:
            client.logout()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)


def start_imap(address: str = "user@shop.test", password: str = "app-pass-7731") -> ImapServer:
    """Start pymap with one user (``address``/``password``, an empty INBOX); wait until it answers."""
    port = _free_port()
    pymap = str(Path(sys.executable).parent / "pymap")
    command = [pymap, "--host", HOST, "--port", str(port), "--no-tls"]
    command += ["dict", "--demo-user", address, "--demo-password", password]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    server = ImapServer(port, address, password, process)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((HOST, port), timeout=1) as sock:
                if sock.recv(64).startswith(b"* OK"):
                    return server
        except OSError:
            time.sleep(0.1)
    server.stop()
    raise RuntimeError("pymap did not start")
