import pytest

from marketplace.search.contracts import SearchQuery
from marketplace.search.query import RERANK_WINDOW, build_query


def test_text_query_expands_synonyms_and_filters_published():
    body = build_query(SearchQuery(text="Laptop"))
    match = body["query"]["bool"]["must"][0]["multi_match"]
    assert match["query"] == "laptop notebook"
    assert {"term": {"published": True}} in body["query"]["bool"]["filter"]


def test_empty_text_matches_all():
    assert build_query(SearchQuery(text=""))["query"]["bool"]["must"] == [{"match_all": {}}]


def test_price_range_and_stock_filters():
    filters = build_query(SearchQuery(text="mug", min_price_minor=500, in_stock_only=True))[
        "query"]["bool"]["filter"]
    assert {"range": {"price_minor": {"gte": 500}}} in filters
    assert {"term": {"in_stock": True}} in filters


def test_relevance_fetches_rerank_window_other_sorts_page_directly():
    assert build_query(SearchQuery(text="mug", page=2))["size"] == RERANK_WINDOW
    body = build_query(SearchQuery(text="mug", page=3, page_size=10, sort="price_asc"))
    assert (body["from"], body["size"]) == (20, 10)


def test_deep_pagination_is_refused():
    with pytest.raises(ValueError):
        build_query(SearchQuery(text="mug", page=200, page_size=100, sort="newest"))
