from __future__ import annotations

import os

import pytest

from analyzers.source import Inside, Rejected, decode, read_bytes, read_inside, read_named


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


# --- the guarded reader: every file taken from the analysed root ---------------------------

def _root(tmp_path):
    root = tmp_path / "root"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "mod.py").write_text("x = 1\n")
    (tmp_path / "secret.txt").write_text("secret\n")
    return root


def test_read_inside_reads_a_file_and_a_link_that_stays_inside(tmp_path):
    root = _root(tmp_path)
    (root / "alias.py").symlink_to(root / "pkg" / "mod.py")
    (root / "pkgs").symlink_to("pkg")
    assert read_inside(str(root), "pkg/mod.py") == b"x = 1\n"
    assert read_inside(str(root), "alias.py") == b"x = 1\n"
    assert read_inside(str(root), "pkgs/mod.py") == b"x = 1\n"
    assert read_inside(str(root), str(root / "pkg" / "mod.py")) == b"x = 1\n"


def test_read_inside_refuses_whatever_leads_outside(tmp_path):
    root = _root(tmp_path)
    (root / "leak.toml").symlink_to(tmp_path / "secret.txt")
    (root / "up").symlink_to(tmp_path)  # a link to a folder outside
    for path in ("leak.toml", "up/secret.txt", "../secret.txt", str(tmp_path / "secret.txt")):
        with pytest.raises(Rejected, match="outside the analysed root"):
            read_inside(str(root), path)


def test_read_inside_sparse_fifo_and_folder_fail_at_once(tmp_path):
    root = _root(tmp_path)
    with open(root / "sparse.toml", "wb") as fh:
        fh.truncate(2 * 1024 ** 3)  # 2 GB, no room on disk: refused before a byte is read
    os.mkfifo(root / "pipe.json")
    with pytest.raises(Rejected, match=r"larger than the file size limit \(2,147,483,648 > "
                                       r"1,000,000 bytes\); raise it"):
        read_inside(str(root), "sparse.toml", too_big="raise it")
    with pytest.raises(Rejected, match="not a regular file"):
        read_inside(str(root), "pipe.json")  # a FIFO never blocks
    with pytest.raises(Rejected, match="not a regular file"):
        read_inside(str(root), "pkg")
    with pytest.raises(Rejected, match="not readable"):
        read_inside(str(root), "missing.toml")


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="counts descriptors in /proc")
def test_kept_folders_read_the_same_refuse_the_same_and_are_all_closed(tmp_path):
    root = _root(tmp_path)
    for i in range(12):  # more folders than kept: the oldest are closed and opened again
        (root / "pkg" / f"sub{i}" / "deep").mkdir(parents=True)
        (root / "pkg" / f"sub{i}" / "deep" / "m.py").write_text(f"x = {i}\n")
    (root / "pkg" / "leak").symlink_to(tmp_path)  # a folder link leading outside
    (root / "pkg" / "alias").symlink_to("sub3")  # a folder link that stays inside
    before = _open_fds()
    with Inside(str(root), keep_folders=4) as inside:
        for _ in range(2):
            for i in range(12):
                assert inside.read(f"pkg/sub{i}/deep/m.py") == f"x = {i}\n".encode()
        assert inside.read("pkg/alias/deep/m.py") == b"x = 3\n"
        with pytest.raises(Rejected, match="outside the analysed root"):
            inside.read("pkg/leak/secret.txt")
        with pytest.raises(Rejected, match="not a regular file"):
            inside.read("pkg/sub1")
        assert _open_fds() - before <= 4  # never more folders open than kept
    assert _open_fds() == before


def test_read_named_follows_links_but_checks_the_file(tmp_path):
    root = _root(tmp_path)
    (root / "mine.toml").symlink_to(tmp_path / "secret.txt")
    assert read_named(str(root / "mine.toml")) == b"secret\n"  # the user chose it
    os.mkfifo(tmp_path / "pipe")
    with pytest.raises(Rejected, match="not a regular file"):
        read_named(str(tmp_path / "pipe"))
    with pytest.raises(Rejected, match="larger than"):
        read_named(str(tmp_path / "secret.txt"), 3)
