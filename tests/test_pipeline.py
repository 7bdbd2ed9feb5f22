"""The whole pipeline on small built documents: PDFs with page furniture, report metadata."""
from .test_pdf_reader import build_text_pdf


def sif_report_pages():
    first = ["1", "Anytown Borough Council", "Inspection of services for children in need of help and",
             "protection, children looked after and care leavers", "Inspection date: 23 May to 16 June 2016",
             "Report published: 5 August 2016", "Children's services in Stockton-on-Tees are good.",
             "1. Children who need help and protection Good",
             "2. Children looked after and achieving", "permanence", "Requires improvement",
             "2.1 Adoption performance Requires improvement",
             "2.2 Experiences and progress of care leavers Outstanding",
             "3. Leadership, management and governance Good"]
    bodies = [["Executive summary", "Inspectors found that assessments of risk are", "thorough and timely."],
              ["Help and protection", "Referrals are screened quickly by experienced", "managers."],
              ["Children looked after", "Most children live in stable homes close to", "their families."],
              ["Leadership", "Leaders know their services well and act on", "what they find."]]
    rest = [[str(n), *body] for n, body in enumerate(bodies, start=2)]
    return [first, *rest]


def test_a_sif_pdf_end_to_end(extractor, tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(build_text_pdf(sif_report_pages()))
    result = extractor.extract(path)
    assert result.error is None
    assert (result.doc_type, result.framework, result.year) == ("inspection_report", "sif", 2016)
    assert (result.inspection_start, result.inspection_end, result.published, result.document_date) == (
        "2016-05-23", "2016-06-16", "2016-08-05", "2016-08-05")
    assert result.local_authority.name == "Stockton-on-Tees"
    assert sorted((j.area, j.score, j.page) for j in result.judgements) == [
        ("adoption", 2, 1), ("care_leavers", 4, 1), ("children_in_care", 2, 1),
        ("help_and_protection", 3, 1), ("leadership", 3, 1), ("overall", 3, 1)]
    # page numbers are furniture, kept aside, not in the text
    assert [(b.kind, b.text) for b in result.boilerplate][:2] == [("page_number", "1"), ("page_number", "2")]
    assert "Inspectors found that assessments of risk are thorough and timely." in result.clean_text
    assert [p.number for p in result.pages] == [1, 2, 3, 4, 5]
    assert [(s.label, s.page) for s in result.sections if s.label == "summary"] == [("summary", 2)]


def test_reporting_inspector_of_2013_reports_is_the_lead_inspector(extractor, tmp_path):
    path = tmp_path / "lac.txt"
    path.write_text("Inspection of looked after children services Norfolk County Council "
                    "Inspection dates: 8 – 12 July 2013 Reporting inspector Gary Lamb HMI Published: 16 August 2013\n",
                    encoding="utf-8")
    result = extractor.extract(path)
    assert (result.doc_type, result.framework, result.lead_inspector) == ("inspection_report", "safeguarding_lac", "Gary Lamb")


def test_a_document_that_is_not_an_inspection_document(extractor, tmp_path):
    path = tmp_path / "scones.txt"
    path.write_text("Scones\n\nRub the butter into the flour until good crumbs form. Bake until outstanding.", encoding="utf-8")
    result = extractor.extract(path)
    assert (result.error, result.doc_type, result.framework, result.judgements) == (None, "other", None, [])


def test_a_document_is_read_from_disk_once(extractor, tmp_path, monkeypatch):
    """The extractor reads a file's bytes once and hands them on: neither the PDF reader nor
    pypdf nor the hash opens the file again by its path."""
    import builtins

    import pypdfium2

    path = tmp_path / "report.pdf"
    path.write_bytes(build_text_pdf(sif_report_pages()))
    opened = []
    real_open, real_path_open, real_document = builtins.open, type(path).open, pypdfium2.PdfDocument

    def counting_open(file, *args, **kwargs):
        if str(file) == str(path):
            opened.append("open")
        return real_open(file, *args, **kwargs)

    def counting_path_open(self, *args, **kwargs):
        if str(self) == str(path):
            opened.append("Path.open")
        return real_path_open(self, *args, **kwargs)

    def counting_document(source, *args, **kwargs):
        if isinstance(source, (str, type(path))) and str(source) == str(path):
            opened.append("PdfDocument")
        return real_document(source, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", counting_open)
    monkeypatch.setattr(type(path), "open", counting_path_open)
    monkeypatch.setattr(pypdfium2, "PdfDocument", counting_document)
    result = extractor.extract(path)
    assert result.error is None and result.judgements
    assert opened == ["Path.open"]
