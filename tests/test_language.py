"""The extraction as one spaCy pipeline, used as an analyst would in a notebook: load it, call
it on a text, read the judgements off ``doc.spans["judgements"]`` and draw them with displaCy."""
import dataclasses

import pytest
from spacy import displacy

from extractors import load_pipeline
from extractors.components.spans import DEADLINE_KEY
from extractors.errors import ExtractionTimedOut
from extractors.language import PIPELINE
from extractors.limits import Limits

LETTER = """9 December 2009

Mr A Person
Director of Children's Services
Redcar and Cleveland Borough Council

Children's services annual rating

Children's services rating\tPerforms well (3)

The rating for children's services in Redcar and Cleveland is that it performs well."""


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline()


def test_the_pipeline_is_every_component_in_order(nlp):
    assert tuple(nlp.pipe_names) == PIPELINE


def test_a_text_is_one_call(nlp):
    doc = nlp(LETTER)
    assert (doc._.doc_type, doc._.framework, doc._.year, str(doc._.document_date)) == (
        "annual_rating_letter", "annual_rating", 2009, "2009-12-09")
    assert doc._.council.name == "Redcar and Cleveland"
    [span] = doc.spans["judgements"]
    assert (span.label_, span._.area, span._.grade_label, span._.scale, span._.grade, span._.score) == (
        "overall", "overall", "Performs well (3)", "rating_1to4", 3, 3)
    assert (span._.year, span._.council, span._.council_gss, span._.framework, span._.evidence) == (
        2009, "Redcar and Cleveland", "E06000003", "annual_rating", "table")
    assert span.text == LETTER[span._.judgement.start:span._.judgement.end]
    assert doc._.judgements == [span._.judgement]


def test_a_text_with_no_judgement_has_an_empty_span_group(nlp):
    doc = nlp("Minutes? No. A recipe for scones: flour, butter, milk.")
    assert doc._.doc_type == "other" and list(doc.spans["judgements"]) == [] and doc._.council is None


def test_the_pipeline_finds_what_the_extractor_stores(nlp, extractor, seed_paths):
    """The extractor reads and cleans a file, then runs this pipeline: the same text gives the same judgements."""
    for path in seed_paths:
        result = extractor.extract(path)
        doc = nlp(result.clean_text)
        without_pages = [dataclasses.replace(j, page=None) for j in result.judgements]
        assert doc._.judgements == without_pages, path.name
        assert (doc._.doc_type, doc._.year, doc._.council) == (result.doc_type, result.year, result.local_authority)


def test_displacy_draws_the_judgement_evidence(nlp):
    html = displacy.render(nlp(LETTER), style="span", options={"spans_key": "judgements"})
    assert ">overall<" in html.replace("\n", "").replace(" ", "")  # the span's label: its area
    assert "Performs" in html and "well" in html


def test_every_component_stops_at_the_documents_time_limit(nlp):
    deadline = Limits(max_seconds=0.001).deadline("late.txt")
    deadline.started -= 10  # as if the document had been extracting for ten seconds
    doc = nlp.make_doc(LETTER)
    doc.user_data[DEADLINE_KEY] = deadline
    with pytest.raises(ExtractionTimedOut, match="over the limit of 0.001 s"):
        nlp(doc)
