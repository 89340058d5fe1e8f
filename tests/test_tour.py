"""The screenshot tour's machinery (tests/tour.py), in a tiny mode so it cannot rot unseen:
one real stop at one small viewport, one stop whose control does not exist, and the index."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from tests.browser_support import CHROMIUM, FIRST_START_TITLE, chromium, new_page
from tests.tour import (
    STOPS,
    Picture,
    Stop,
    StopResult,
    SwitchOn,
    Viewport,
    page_problems,
    problems_of,
    run_tour,
    write_index,
)

needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM}")


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header.startswith(b"\x89PNG\r\n\x1a\n")
    return struct.unpack(">II", header[16:24])


@pytest.mark.browser
@needs_chromium
def test_a_tiny_tour_photographs_its_stop_and_skips_a_control_not_built(tmp_path):
    out = tmp_path / "tour"
    out.mkdir()
    (out / "99-old-picture-1x1.png").write_bytes(b"an earlier tour's picture")
    (out / "portfolio.png").write_bytes(b"someone else's picture")
    not_built = Stop(
        "a switch not built yet", None, FIRST_START_TITLE, (SwitchOn("No such switch"),)
    )
    lines: list[str] = []
    results = run_tour([STOPS[0], not_built], [Viewport(800, 600)], out, progress=lines.append)

    picture = out / "01-first-start-800x600.png"
    width, height = png_size(picture)
    assert width == 800
    assert height > 600  # the whole page: the form goes on below the window's bottom edge
    assert not (out / "99-old-picture-1x1.png").exists()
    assert (out / "portfolio.png").exists()
    assert [r.stop.name for r in results] == ["first start", "a switch not built yet"]
    url = results[0].pictures[0].url
    assert url.startswith("http://127.0.0.1:")
    assert results[1].pictures == []
    assert problems_of(results) == [
        "a switch not built yet: skipped: no switch 'No such switch' on the page"
    ]
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'src="01-first-start-800x600.png"' in index
    assert f">{url}</a>" in index
    assert "800x600" in index
    assert "skipped: no switch &#x27;No such switch&#x27; on the page" in index
    assert lines == [
        "[ 1/2] first start: 1 picture(s)",
        "[ 2/2] a switch not built yet: skipped: no switch 'No such switch' on the page",
    ]


@pytest.mark.browser
@needs_chromium
def test_an_exception_block_on_the_page_is_a_problem():
    with chromium() as browser:
        page = new_page(browser, 800, 600)
        page.set_content("<main><p>All is well.</p></main>")
        assert page_problems(page) == []
        page.set_content(
            "<main><div data-testid='stException'><div>KeyError: 'readiness'</div>"
            "<pre>Traceback (most recent call last):</pre></div></main>"
        )
        assert page_problems(page) == ["Streamlit exception on the page: KeyError: 'readiness'"]
        page.set_content("<pre>Traceback (most recent call last):\n  File app.py</pre>")
        assert page_problems(page) == ["a Traceback is shown on the page"]


def test_the_index_shows_every_picture_and_lists_the_problems_first(tmp_path):
    shown = StopResult(
        Stop("Scoring <b>", "Scoring", "Completion"),
        pictures=[Picture(Viewport(1440, 900), "05-scoring-1440x900.png", "http://h/scoring")],
        problems=["browser console error: <script>alert(1)</script>"],
    )
    skipped = StopResult(Stop("presentation mode", "Scoring", "Completion"), skipped="no switch")
    write_index([shown, skipped], tmp_path / "index.html")
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "Problems (2)" in index
    assert "<script>" not in index  # page text is escaped
    assert "Scoring <b>" not in index
    assert "Scoring &lt;b&gt;: browser console error: &lt;script&gt;" in index
    assert "presentation mode: skipped: no switch" in index
    assert index.index("Problems") < index.index('<img src="05-scoring-1440x900.png"')
    assert "1440x900" in index
    assert 'href="http://h/scoring"' in index


def test_the_readme_pictures_are_the_first_screen_of_their_stops(tmp_path):
    from PIL import Image

    from tests.tour import (
        README_PICTURES,
        Picture,
        Stop,
        StopResult,
        Viewport,
        update_readme_pictures,
    )

    (stop_name, size), file_name = next(iter(README_PICTURES.items()))
    viewport = Viewport.parse(size)
    Image.new("RGB", (viewport.width, viewport.height * 3), "white").save(tmp_path / "shot.png")
    result = StopResult(Stop(stop_name, None, "x"), [Picture(viewport, "shot.png", "http://x")])
    docs = tmp_path / "docs"
    docs.mkdir()
    other = StopResult(Stop("not in the README", None, "x"), [Picture(viewport, "shot.png", "")])
    written = update_readme_pictures([result, other], tmp_path, docs)
    assert written == [docs / file_name]
    with Image.open(docs / file_name) as picture:
        assert picture.size == (viewport.width, viewport.height)
