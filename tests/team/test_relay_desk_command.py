"""`kapusta-desktop relay desk add|list|revoke`: a token printed once, only its hash stored; `relay serve` parses."""

from __future__ import annotations

import pytest

from kapusta_desktop.cli import build_parser, main
from kapusta_desktop.store.relay_desks import hash_token


def test_add_list_revoke(pg_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["relay", "desk", "add", "desk-102", "--database-url", pg_url]) == 0
    token = capsys.readouterr().out.splitlines()[1].strip()
    assert token.startswith("kdt_") and len(token) >= 40
    assert main(["relay", "--database-url", pg_url, "desk", "add", "boss", "--admin"]) == 0
    capsys.readouterr()
    assert main(["relay", "desk", "add", "desk-102", "--database-url", pg_url]) == 1
    assert "exists already" in capsys.readouterr().err
    assert main(["relay", "desk", "add", "bad name!", "--database-url", pg_url]) == 1
    capsys.readouterr()

    assert main(["relay", "desk", "list", "--database-url", pg_url]) == 0
    listed = capsys.readouterr().out
    assert "boss\tadmin\tactive" in listed and "desk-102\tdesk\tactive" in listed and token not in listed

    import psycopg2

    with psycopg2.connect(pg_url) as conn, conn.cursor() as cur:
        cur.execute("SELECT name, token_hash FROM relay_desk ORDER BY name")
        rows = dict(cur.fetchall())
    conn.close()
    assert rows["desk-102"] == hash_token(token) and token not in str(rows)

    assert main(["relay", "desk", "revoke", "desk-102", "--database-url", pg_url]) == 0
    assert main(["relay", "desk", "revoke", "desk-102", "--database-url", pg_url]) == 1
    capsys.readouterr()
    assert main(["relay", "desk", "list", "--database-url", pg_url]) == 0
    assert "desk-102\tdesk\trevoked" in capsys.readouterr().out


def test_desk_commands_need_postgresql(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KAPUSTA_DATABASE_URL", raising=False)
    assert main(["relay", "desk", "list"]) == 2
    assert "KAPUSTA_DATABASE_URL" in capsys.readouterr().err


def test_serve_takes_the_options_before_or_after_the_word() -> None:
    parser = build_parser()
    bare = parser.parse_args(["relay", "--port", "9001", "--base-path", "/k"])
    spelled = parser.parse_args(["relay", "serve", "--port", "9001", "--base-path", "/k"])
    mixed = parser.parse_args(["relay", "--port", "9001", "serve", "--base-path", "/k"])
    for args in (bare, spelled, mixed):
        assert (args.port, args.base_path, args.host) == (9001, "/k", "127.0.0.1")
    assert bare.relay_action is None and spelled.relay_action == mixed.relay_action == "serve"
