from __future__ import annotations

import pytest

from analyzers.source import Rejected, decode, read_bytes


def test_utf8_default_and_bom():
    assert decode("x = 'é'\n".encode()).text == "x = 'é'\n"
    assert decode(b"\xef\xbb\xbfx = 1\n").text == "x = 1\n"


def test_latin1_with_coding_cookie():
    data = "# -*- coding: latin-1 -*-\nname = 'café'\n".encode("latin-1")
    assert "café" in decode(data).text


def test_invalid_utf8_is_rejected_with_advice():
    with pytest.raises(Rejected, match=r"not valid utf-8 text \(at byte 5\).*coding"):
        decode(b"x = '\xff\xfe'\n")


def test_nul_bytes_rejected():
    with pytest.raises(Rejected, match="NUL bytes"):
        decode(b"x = 1\x00\n")


def test_unknown_encoding_cookie():
    with pytest.raises(Rejected, match="encoding"):
        decode(b"# coding: no-such-codec\nx = 1\n")


def test_size_limit(tmp_path):
    path = tmp_path / "big.py"
    path.write_bytes(b"x = 1\n" * 100)
    assert len(read_bytes(str(path), 600)) == 600
    with pytest.raises(Rejected, match="larger than the file size limit"):
        read_bytes(str(path), 599)


def test_fifo_is_not_read(tmp_path):
    import os

    fifo = tmp_path / "pipe.py"
    os.mkfifo(fifo)
    with pytest.raises(Rejected, match="not a regular file"):
        read_bytes(str(fifo))
