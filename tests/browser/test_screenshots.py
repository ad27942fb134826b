"""`make screenshots` (tools/screenshots.py), on a tiny run: the reader's
first journey against the browser tests' site, into a temporary folder."""

import struct

from tools.screenshots import reader_home, take_screenshots


def png_size(path) -> tuple[int, int]:
    """Width and height from the PNG's header (its IHDR chunk)."""
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name} is not a PNG"
    return struct.unpack(">II", header[16:24])


def test_a_tiny_run_writes_phone_and_desktop_pngs_and_an_index_with_their_captions(
    browser, site, tmp_path
):
    shots = take_screenshots(site, browser, tmp_path / "shots", journeys=[reader_home])

    folder = tmp_path / "shots"
    assert [shot.file for shot in shots] == [
        "reader-home-phone.png",
        "reader-menu-phone.png",
        "reader-home-desktop.png",
    ]
    assert png_size(folder / "reader-home-phone.png") == (390, 844)
    assert png_size(folder / "reader-menu-phone.png") == (390, 844)
    assert png_size(folder / "reader-home-desktop.png") == (1280, 800)
    index = (folder / "index.html").read_text()
    assert "<h2>Reader</h2>" in index
    for shot in shots:
        assert f'<img src="{shot.file}" alt="{shot.caption}"' in index
        assert f"<figcaption>{shot.caption} " in index
