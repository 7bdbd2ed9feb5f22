"""The five sample documents, scored against their gold through the project's own eval."""
import pytest

from extractors.evaluation import evaluate, load_gold

from .conftest import SEED_GOLD


@pytest.fixture(scope="module")
def seed_results(extractor, seed_paths):
    return [extractor.extract(path).to_json() for path in seed_paths]


@pytest.fixture(scope="module")
def evaluation(seed_results):
    return evaluate(seed_results, load_gold(SEED_GOLD))


@pytest.mark.parametrize("field, expected", [
    ("judgements", (17, 0, 0)),  # the five gold files hold 17 judgements
    ("doc_type", (5, 0, 0)),
    ("local_authority", (5, 0, 0)),
    ("document_date", (3, 0, 0)),
    ("people", (8, 0, 0)),
    ("sections", (9, 0, 0)),
])
def test_seed_scores_are_perfect(evaluation, field, expected):
    score = evaluation.fields[field]
    assert (score.tp, score.fp, score.fn) == expected, evaluation.errors


def test_every_offset_points_into_the_clean_text(extractor, seed_paths):
    for path in seed_paths:
        result = extractor.extract(path)
        for item in (*result.judgements, *result.entities, *result.sections):
            assert 0 <= item.start < item.end <= len(result.clean_text)
        for judgement in result.judgements:
            assert result.clean_text[judgement.start:judgement.end] == judgement.text
        for entity in result.entities:
            assert result.clean_text[entity.start:entity.end] == entity.text


def test_minutes_keep_the_year_each_judgement_belongs_to(seed_results):
    minutes = next(r for r in seed_results if r["path"].endswith("stockton_2009_cabinet_minutes.txt"))
    assert sorted((j["year"], j["scale"], j["label"]) for j in minutes["judgements"]) == [
        (2008, "apa_1to4", "good"), (2009, "rating_1to4", "performing well")]


def test_news_article_has_no_year_from_the_website_banner(seed_results):
    news = next(r for r in seed_results if r["path"].endswith("news_article.txt"))
    assert (news["doc_type"], news["document_date"], news["year"]) == ("news_article", None, None)


def test_council_is_linked_to_the_register(seed_results):
    apa = next(r for r in seed_results if r["path"].endswith("stockton_2006_apa_letter.txt"))
    assert apa["local_authority"]["gss_code"] == "E06000004"
    assert apa["local_authority"]["dfe_la_code"] == "808"
    assert apa["local_authority"]["match_score"] >= 90
