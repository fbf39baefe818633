"""A real SMTP server for Pond's email tests: aiosmtpd, writing what it receives to a directory.

Run:   python smtp_sink.py serve DIR [--auth USER:PASSWORD] [--tls-cert CERT --tls-key KEY [--implicit-tls yes]]
       Listens on 127.0.0.1 at a free port, prints "PORT <n>" once it listens, and writes each message as
       DIR/<n>.eml (the bytes received after DATA) and DIR/<n>.json (envelope). Recipients whose local part starts
       with "reject" are refused with 550, those starting with "later" with 451. With --auth, AUTH is required
       (PLAIN and LOGIN, also without TLS); with --tls-cert, STARTTLS is offered and required before AUTH/MAIL,
       or, with --implicit-tls, the connection is TLS from its first byte (port 465 style).
       Stops when stdin closes.
       python smtp_sink.py parse FILE
       Prints the message parsed by Python's email package as JSON: decoded headers and the text of each part.
"""

import asyncio
import json
import logging
import os
import ssl
import sys
import warnings

warnings.filterwarnings("ignore")
logging.getLogger("mail.log").setLevel(logging.CRITICAL)


def serve(directory, auth=None, cert=None, key=None, implicit=None):
    from aiosmtpd.smtp import SMTP, AuthResult

    counter = {"n": 0}

    class Handler:
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            local = address.split("@", 1)[0]
            if local.startswith("reject"):
                return "550 5.1.1 No such user here"
            if local.startswith("later"):
                return "451 4.3.0 Try again later"
            envelope.rcpt_tos.append(address)
            return "250 OK"

        async def handle_DATA(self, server, session, envelope):
            counter["n"] += 1
            base = os.path.join(directory, str(counter["n"]))
            with open(base + ".eml.tmp", "wb") as f:
                f.write(envelope.original_content)
            with open(base + ".json", "w") as f:
                json.dump({"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos,
                           "authenticated": session.authenticated,
                           "tls": session.ssl is not None or bool(implicit)}, f)
            os.rename(base + ".eml.tmp", base + ".eml")
            return "250 2.0.0 Message accepted for delivery"

    def authenticator(server, session, envelope, mechanism, auth_data):
        user, password = auth.split(":", 1)
        ok = (auth_data.login.decode() == user and auth_data.password.decode() == password)
        return AuthResult(success=ok, handled=False)

    tls_context = None
    if cert:
        tls_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls_context.load_cert_chain(cert, key)

    def factory():
        kwargs = {"hostname": "sink.pond.test", "enable_SMTPUTF8": True}
        if auth:
            kwargs.update(authenticator=authenticator, auth_required=True,
                          auth_require_tls=bool(cert) and not implicit)
        if tls_context and not implicit:
            kwargs.update(tls_context=tls_context, require_starttls=True)
        return SMTP(Handler(), **kwargs)

    async def main():
        loop = asyncio.get_running_loop()
        server = await loop.create_server(factory, "127.0.0.1", 0, ssl=tls_context if implicit else None)
        port = server.sockets[0].getsockname()[1]
        print("PORT %d" % port, flush=True)
        # Serve until whoever started us closes our stdin (or kills us).
        await loop.run_in_executor(None, sys.stdin.read)
        server.close()

    asyncio.run(main())


def parse(path):
    import email
    from email import policy

    with open(path, "rb") as f:
        message = email.message_from_binary_file(f, policy=policy.default)
    parts = []
    for part in message.walk():
        if part.is_multipart():
            continue
        parts.append({"type": part.get_content_type(), "charset": part.get_content_charset(),
                      "transfer_encoding": part.get("Content-Transfer-Encoding"),
                      "content": part.get_content()})
    headers = {}
    for name in ["From", "To", "Reply-To", "Subject", "Date", "Message-ID", "List-Unsubscribe",
                 "List-Unsubscribe-Post", "MIME-Version", "Content-Type"]:
        value = message.get(name)
        headers[name] = None if value is None else str(value)
    print(json.dumps({"headers": headers, "content_type": message.get_content_type(),
                      "defects": [type(d).__name__ for d in message.defects], "parts": parts}, ensure_ascii=False))


if __name__ == "__main__":
    args = sys.argv[1:]
    if args and args[0] == "parse":
        parse(args[1])
    elif args and args[0] == "serve":
        options = {"auth": None, "cert": None, "key": None, "implicit": None}
        rest = args[2:]
        while rest:
            flag, value = rest[0], rest[1]
            options[{"--auth": "auth", "--tls-cert": "cert", "--tls-key": "key", "--implicit-tls": "implicit"}[flag]] = value
            rest = rest[2:]
        serve(args[1], **options)
    else:
        sys.exit(__doc__)
