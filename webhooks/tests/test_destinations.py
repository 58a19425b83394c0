"""Where webhook deliveries may go (SSRF): every resolved address is checked, embedded
IPv4 addresses included, and the delivery connects to the addresses that were checked."""

import datetime as dt
import socket
import ssl
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

from core import outbox
from webhooks import services
from webhooks.models import Delivery

from .receiver import Receiver

PUBLIC_V4 = "93.184.215.14"


def fake_resolver(monkeypatch, answers):
    """Replace socket.getaddrinfo: ``answers(host, call_number)`` gives the IPs."""
    calls = []
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        calls.append(host)
        ips = answers(host, len(calls))
        if ips is None:
            return real(host, port, *args, **kwargs)
        return [
            (
                socket.AF_INET6 if ":" in ip else socket.AF_INET,
                socket.SOCK_STREAM,
                socket.IPPROTO_TCP,
                "",
                (ip, int(port or 0), 0, 0) if ":" in ip else (ip, int(port or 0)),
            )
            for ip in ips
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return calls


@pytest.mark.parametrize(
    "url",
    [
        "http://[::127.0.0.1]/hook",  # IPv4-compatible loopback
        "http://[::7f00:1]/hook",
        "http://[64:ff9b::7f00:1]/hook",  # NAT64 of 127.0.0.1
        "http://[64:ff9b::a00:1]/hook",  # NAT64 of 10.0.0.1
        "http://[64:ff9b::a9fe:a9fe]/latest/meta-data",  # NAT64 of 169.254.169.254
        "http://[64:ff9b:1::7f00:1]/hook",  # local-use NAT64
        "http://[2002:7f00:1::]/hook",  # 6to4 of 127.0.0.1
        "http://[2002:c0a8:10a::1]/hook",  # 6to4 of 192.168.1.10
        "http://[2002:6440:1::]/hook",  # 6to4 of CGNAT 100.64.0.1
        "http://[::ffff:127.0.0.1]/hook",  # IPv4-mapped
        "http://[::ffff:a9fe:a9fe]/hook",
        "http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/hook",  # Teredo, client 127.0.0.1
        "http://[::]/hook",
        "http://[fe80::1]/hook",
        "http://[fc00::1]/hook",
        "http://[fec0::1]/hook",  # site-local
        "http://[ff02::1]/hook",
        "http://100.64.0.1/hook",  # CGNAT
        "http://224.0.0.1/hook",
        "http://240.0.0.1/hook",
        "http://255.255.255.255/hook",
        "http://0.0.0.0/hook",
        "http://2130706433/hook",  # 127.0.0.1 as a number
    ],
)
def test_non_public_addresses_are_refused(settings, url):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = False
    with pytest.raises(services.WebhookUrlNotAllowed):
        services.check_url(url)


@pytest.mark.parametrize(
    "url",
    [
        f"https://{PUBLIC_V4}/hook",
        "https://[2606:2800:21f:cb07:6820:80da:af6b:10c8]/hook",
        "https://[64:ff9b::5db8:d70e]/hook",  # NAT64 of a public address (DNS64 networks)
        "https://[2002:5db8:d70e::1]/hook",  # 6to4 of a public address
        "https://[::ffff:93.184.215.14]/hook",
    ],
)
def test_public_addresses_are_accepted(settings, url):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = False
    assert services.check_url(url) == url


def test_a_host_with_one_private_address_among_public_ones_is_refused(settings, monkeypatch):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = False
    fake_resolver(monkeypatch, lambda host, n: [PUBLIC_V4, "::ffff:10.0.0.5"])
    with pytest.raises(services.WebhookUrlNotAllowed):
        services.check_url("https://hooks.example.com/x")


@pytest.mark.django_db(transaction=True)
def test_dns_rebinding_cannot_redirect_a_delivery_to_loopback(
    settings, monkeypatch, django_capture_on_commit_callbacks
):
    """The resolver answers a public address first and 127.0.0.1 afterwards: the
    delivery connects only to the address it checked, never to the local receiver."""
    with Receiver() as receiver:
        port = receiver.server.server_port
        settings.WEBHOOK_ALLOW_PRIVATE_URLS = True
        subscription = services.create_subscription(
            actor=None, url=f"http://rebind.example.com:{port}/hooks", events=["stock.low"]
        )
        settings.WEBHOOK_ALLOW_PRIVATE_URLS = False
        calls = fake_resolver(
            monkeypatch,
            lambda host, n: (
                [PUBLIC_V4 if n == 1 else "127.0.0.1"] if host == "rebind.example.com" else None
            ),
        )
        connected = []
        real_connect = socket.socket.connect

        def connect(sock, address):
            connected.append(address[0])
            if address[0] == "127.0.0.1":
                return real_connect(sock, address)
            raise ConnectionRefusedError(111, "Connection refused (test)")

        monkeypatch.setattr(socket.socket, "connect", connect)
        event = outbox.OutboxEvent.objects.create(event_type="stock.low", payload={})
        with django_capture_on_commit_callbacks(execute=True):
            services.enqueue_deliveries(event)
        monkeypatch.undo()

    delivery = Delivery.objects.get(subscription=subscription)
    assert receiver.requests == []
    assert "127.0.0.1" not in connected
    assert connected == [PUBLIC_V4]
    assert calls == ["rebind.example.com"]  # resolved once
    assert delivery.attempts == 1 and delivery.last_status_code is None
    assert "ConnectionError" in delivery.last_error


@pytest.mark.django_db(transaction=True)
def test_delivery_to_a_named_host_keeps_its_host_header(
    settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True
    fake_resolver(monkeypatch, lambda host, n: ["127.0.0.1"] if host == "hooks.test" else None)
    with Receiver() as receiver:
        url = f"http://hooks.test:{receiver.server.server_port}/hooks"
        subscription = services.create_subscription(actor=None, url=url, events=["stock.low"])
        event = outbox.OutboxEvent.objects.create(event_type="stock.low", payload={})
        with django_capture_on_commit_callbacks(execute=True):
            services.enqueue_deliveries(event)
    assert Delivery.objects.get(subscription=subscription).last_status_code == 200
    assert len(receiver.requests) == 1
    assert receiver.requests[0]["headers"]["Host"] == f"hooks.test:{receiver.server.server_port}"


def _self_signed(hostname: str, directory: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, hostname)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(hostname)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def test_https_to_a_pinned_address_verifies_the_certificate_of_the_hostname(monkeypatch):
    """TLS goes to the pinned IP with SNI and certificate checks for the URL's host."""
    fake_resolver(monkeypatch, lambda host, n: ["127.0.0.1"] if host.endswith(".test") else None)
    server_names = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    with tempfile.TemporaryDirectory() as tmp:
        cert, key = _self_signed("hooks.test", Path(tmp))
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        context.sni_callback = lambda sock, name, ctx: server_names.append(name)
        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        port = server.server_port
        try:
            for host, ok in (("hooks.test", True), ("other.test", False)):
                url = f"https://{host}:{port}/hooks"
                addresses = services.resolve_destination(url, allow_private=True)
                session = requests.Session()
                session.trust_env = False
                session.mount("https://", services.pinned_adapter(url, addresses))
                try:
                    if ok:
                        response = session.post(url, data=b"{}", verify=str(cert), timeout=5)
                        assert response.status_code == 204
                    else:
                        with pytest.raises(requests.exceptions.SSLError):
                            session.post(url, data=b"{}", verify=str(cert), timeout=5)
                finally:
                    session.close()
        finally:
            server.shutdown()
            server.server_close()
    assert server_names[:2] == ["hooks.test", "other.test"]


def test_a_pinned_adapter_refuses_another_host():
    adapter = services.pinned_adapter("http://hooks.test/x", [(socket.AF_INET, ("127.0.0.1", 9))])
    session = requests.Session()
    session.trust_env = False
    session.mount("http://", adapter)
    with pytest.raises(requests.exceptions.ConnectionError, match="unchecked host"):
        session.post("http://elsewhere.test/x", data=b"{}", timeout=2)
    session.close()
