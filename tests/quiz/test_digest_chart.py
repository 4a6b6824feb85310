"""The digest's chart: a real PNG (read back with Pillow), not blank, and drawn from the data."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from bot.quiz.digest_chart import MAX_MEMBERS, render_chart

pytestmark = pytest.mark.no_store  # opens no database in this process (tests/engines.py)

DAYS = ("Mon 16", "Tue 17", "Wed 18", "Thu 19", "Fri 20", "Sat 21", "Sun 22")
WEEK = [("alice", (0, 0, 10, 10, 10, 0, 0)), ("carol", (0, 0, 0, 10, 0, 0, 0)), ("bob", (0, 0, 0, 0, 10, 5, 0))]


def image(png: bytes) -> Image.Image:
    picture = Image.open(io.BytesIO(png))
    assert picture.format == "PNG"
    picture.load()  # a truncated or corrupt file fails here
    return picture.convert("RGB")


def coloured_pixels(picture: Image.Image) -> int:
    """Pixels that are neither white nor grey (the bars; text and axes are black or grey)."""
    return sum(1 for r, g, b in picture.get_flattened_data() if max(r, g, b) - min(r, g, b) > 40)


def test_chart_of_a_known_week_is_a_readable_png_of_useful_size():
    picture = image(render_chart("Points per day", DAYS, WEEK))
    assert picture.size == (900, 450)


def test_chart_is_not_blank_each_member_has_its_own_colour():
    picture = image(render_chart("Points per day", DAYS, WEEK))
    assert coloured_pixels(picture) > 2000
    bar_colours = {(r, g, b) for r, g, b in picture.get_flattened_data() if max(r, g, b) - min(r, g, b) > 40}
    tab10 = {(31, 119, 180), (255, 127, 14), (44, 160, 44)}  # the first three colours, in member order
    assert tab10 <= bar_colours


def test_chart_changes_when_the_points_change():
    before = render_chart("Points per day", DAYS, WEEK)
    after = render_chart("Points per day", DAYS, [*WEEK[:2], ("bob", (0, 0, 0, 0, 30, 5, 0))])
    assert before != after
    assert image(before).tobytes() != image(after).tobytes()


def test_more_points_draw_more_bar_area():
    small = coloured_pixels(image(render_chart("Points per day", DAYS, [("ann", (10, 0, 0, 0, 0, 0, 0))] * 1)))
    large = coloured_pixels(image(render_chart("Points per day", DAYS, [("ann", (10, 10, 10, 0, 0, 0, 0))])))
    assert large > 2 * small


def test_at_most_ten_members_are_drawn():
    members = [(f"m{i}", (i + 1,) * 7) for i in range(MAX_MEMBERS + 5)]
    assert render_chart("Points per day", DAYS, members) == render_chart("Points per day", DAYS,
                                                                         members[:MAX_MEMBERS])


@pytest.mark.parametrize("name", ["$x^2$", "$", "a $b$ c", r"$\notacommand$", "**ann**", "<@everyone>"])
def test_a_display_name_is_drawn_as_text_never_as_math(name):
    """matplotlib would parse ``$...$`` as mathtext (and fail on an unknown ``\\notacommand``): names are data."""
    picture = image(render_chart("Points per day", DAYS, [(name, (10, 0, 0, 0, 0, 0, 0))]))
    assert coloured_pixels(picture) > 0


def test_a_week_with_no_members_still_renders_a_chart():
    assert image(render_chart("Points per day", DAYS, [])).size == (900, 450)


def test_points_for_the_wrong_number_of_days_are_refused():
    with pytest.raises(ValueError, match="7 days"):
        render_chart("Points per day", DAYS, [("ann", (1, 2, 3))])
