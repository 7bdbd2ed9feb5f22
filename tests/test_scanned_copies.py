"""The scanned-copies script: an image-only PDF of each page, no text layer, same pages, repeatable."""
import importlib.util
from pathlib import Path

import pypdfium2 as pdfium

from .test_pdf_reader import build_text_pdf

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "make_scanned_copies.py"
spec = importlib.util.spec_from_file_location("make_scanned_copies", SCRIPT)
scanned = importlib.util.module_from_spec(spec)
spec.loader.exec_module(scanned)


def test_a_copy_has_the_pages_and_no_text_layer(tmp_path):
    source = tmp_path / "src" / "council" / "report.pdf"
    source.parent.mkdir(parents=True)
    source.write_bytes(build_text_pdf([["Overall effectiveness Good"], ["Second page"]]))
    assert scanned.main([str(tmp_path / "src"), str(tmp_path / "out")]) == 0
    copy = tmp_path / "out" / "council" / "report.pdf"
    document = pdfium.PdfDocument(str(copy))
    try:
        assert len(document) == 2
        assert all(not document[i].get_textpage().get_text_range().strip() for i in range(2))
    finally:
        document.close()
    first = copy.read_bytes()
    scanned.main([str(tmp_path / "src"), str(tmp_path / "out")])
    assert copy.read_bytes() == first  # seeded: the same command makes the same file


def test_an_empty_folder_is_an_error(tmp_path, capsys):
    assert scanned.main([str(tmp_path), str(tmp_path / "out")]) == 2
    assert "no PDF files" in capsys.readouterr().err
