from marketplace.search.synonyms import MAX_EXPANSIONS, correct, expand


def test_expand_adds_synonyms_after_terms():
    assert expand("Sofa bed") == ["sofa", "bed", "couch"]


def test_expand_deduplicates_and_caps():
    terms = expand("phone phone sneakers headphones laptop")
    assert terms[:4] == ["phone", "sneakers", "headphones", "laptop"]
    assert len(terms) <= 5 + MAX_EXPANSIONS
    assert len(terms) == len(set(terms))


def test_correct_returns_none_when_nothing_changes():
    assert correct("labtop bag") == "laptop bag"
    assert correct("laptop bag") is None
