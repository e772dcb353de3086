"""One way to page long lists (units, participation, matrix, oversight, audit, public ranking):
``?halaman=N`` with the other filters kept in the links."""

from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation

from common.views import page_of


def _page(query: str, items=range(120), per_page=50):
    return page_of(RequestFactory().get(f"/unit/?{query}"), list(items), per_page=per_page)


def test_page_of_keeps_the_filters_and_drops_the_page_number():
    page, keep = _page("tingkat=desa&q=sepaso&halaman=2")
    assert page.number == 2 and list(page) == list(range(50, 100))
    assert keep == "tingkat=desa&q=sepaso"


def test_a_page_number_out_of_range_or_not_a_number_gives_a_page():
    assert _page("halaman=99")[0].number == 3
    assert _page("halaman=dua")[0].number == 1


def test_the_links_carry_the_filters_in_indonesian():
    page, keep = _page("tingkat=desa&halaman=2")
    with translation.override("id"):
        html = render_to_string("components/pagination.html", {"page": page, "keep": keep})
    assert "Halaman 2 dari 3" in html
    assert 'href="?tingkat=desa&amp;halaman=1"' in html
    assert 'href="?tingkat=desa&amp;halaman=3"' in html
    alone, keep = _page("", items=range(10))
    assert render_to_string("components/pagination.html", {"page": alone}).strip() == ""
