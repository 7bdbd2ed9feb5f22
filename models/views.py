"""Views for analysts, created with the schema: each column is documented in docs/views.md.

- ``council_lineage``: every register row's GSS code -> the current council it became
  (through reorganisations and ONS recodes, following ``successor`` names).
- ``judgement_timeline``: every judgement of every council over the years, councils resolved
  to today's, with normalised score, framework, scale and evidence.
- ``latest_inspection``: one row per current council, in the shape of Ofsted's official
  outcomes table (grades in Ofsted's words).
- ``section_text``: sections with their labels, council, year, page and text.

Ofsted's words (grade words, the frameworks of full reports, the outcomes table's columns) are
filled in from ``models.vocabulary`` where the SQL says ``{name}``.
"""
from __future__ import annotations

from models.vocabulary import (
    GRADE_WORDS,
    ILACS_SCORE_2,
    INSPECTION_FRAMEWORKS,
    OFSTED_REGION_OF_ONS_REGION,
    OUTCOME_COLUMNS,
    VISIT_INSPECTION_TYPES,
)

VIEWS: dict[str, str] = {
    "council_lineage": """
        WITH RECURSIVE chain(gss_code, current_gss_code, depth) AS (
            SELECT gss_code, gss_code, 0 FROM local_authorities
            UNION ALL
            SELECT chain.gss_code, next_row.gss_code, chain.depth + 1
            FROM chain
            JOIN local_authorities here ON here.gss_code = chain.current_gss_code
            JOIN local_authorities next_row
              ON list_contains(here.successor, next_row.name) AND next_row.valid_from = here.valid_to
            WHERE chain.depth < 5
        )
        SELECT c.gss_code, c.current_gss_code, la.name AS current_name
        FROM chain c
        JOIN local_authorities la ON la.gss_code = c.current_gss_code
        WHERE la.valid_to IS NULL
        -- a county split in two (Cheshire, Bedfordshire) has two current successors: keep both
    """,
    # The chosen grade of each inspection and area: one row per inspection and area, whatever
    # mix of reports, letters and minutes it is known from (every piece stays in judgements).
    "judgement_timeline": """
        WITH evidence AS (
            SELECT inspection_id, area, count(*) AS n_evidence, count(DISTINCT score) AS n_scores
            FROM judgements WHERE inspection_id IS NOT NULL GROUP BY ALL
        )
        SELECT
            coalesce(l.current_gss_code, i.la_gss_code) AS gss_code,
            coalesce(l.current_name, la.name, i.local_authority) AS council,
            coalesce(la.name, i.local_authority) AS council_at_the_time,
            i.la_gss_code AS gss_code_at_the_time,
            i.year,
            i.framework,
            i.inspection_type,
            i.inspection_id,
            i.inspection_start,
            i.published,
            j.area,
            j.label,
            j.scale,
            j.grade,
            j.score,
            j.evidence,
            j.evidence_rank,
            e.n_evidence,
            e.n_scores > 1 AS conflicting,
            d.doc_type,
            d.document_date,
            j.doc_id,
            d.path,
            j.page,
            j.text,
            -- the innermost section holding the evidence ("The experiences and progress of ...: good")
            (SELECT arg_max(s.heading, s.start_char) FROM sections s WHERE s.doc_id = j.doc_id
               AND s.start_char <= j.start_char AND j.start_char < greatest(s.end_char, s.start_char + 1))
                AS section_heading
        FROM judgements j
        JOIN inspections i USING (inspection_id)
        JOIN evidence e USING (inspection_id, area)
        JOIN documents d ON d.doc_id = j.doc_id
        LEFT JOIN local_authorities la ON la.gss_code = i.la_gss_code
        LEFT JOIN council_lineage l ON l.gss_code = i.la_gss_code
        WHERE j.chosen
    """,
    # Each inspection and area whose evidence gives more than one grade: the chosen piece beside
    # each piece that disagrees with it, with both texts and documents.
    "judgement_conflicts": """
        WITH pieces AS (
            SELECT j.*, d.path, d.doc_type FROM judgements j JOIN documents d USING (doc_id)
            WHERE j.inspection_id IS NOT NULL
        ),
        contested AS (
            SELECT inspection_id, area FROM pieces GROUP BY ALL HAVING count(DISTINCT score) > 1
        )
        SELECT
            i.inspection_id,
            coalesce(la.name, i.local_authority) AS council,
            i.la_gss_code AS gss_code,
            i.framework,
            i.inspection_type,
            i.year,
            c.area,
            chosen.label AS chosen_label,
            chosen.score AS chosen_score,
            chosen.evidence AS chosen_evidence,
            chosen.evidence_rank AS chosen_rank,
            chosen.doc_type AS chosen_doc_type,
            chosen.path AS chosen_document,
            chosen.page AS chosen_page,
            chosen.text AS chosen_text,
            other.label AS other_label,
            other.score AS other_score,
            other.evidence AS other_evidence,
            other.evidence_rank AS other_rank,
            other.doc_type AS other_doc_type,
            other.path AS other_document,
            other.page AS other_page,
            other.text AS other_text
        FROM contested c
        JOIN inspections i USING (inspection_id)
        JOIN pieces chosen ON chosen.inspection_id = c.inspection_id AND chosen.area = c.area AND chosen.chosen
        JOIN pieces other ON other.inspection_id = c.inspection_id AND other.area = c.area
         AND NOT other.chosen AND other.score IS DISTINCT FROM chosen.score
        LEFT JOIN local_authorities la ON la.gss_code = i.la_gss_code
    """,
    # One row per current council in the shape of Ofsted's outcomes table, from its latest graded
    # full inspection (SIF or ILACS; not a visit or a board's review), with the one before it.
    "latest_inspection": """
        WITH graded AS (
            SELECT i.*, coalesce(l.current_gss_code, i.la_gss_code) AS current_gss
            FROM inspections i
            LEFT JOIN council_lineage l ON l.gss_code = i.la_gss_code
            WHERE i.framework IN {inspection_frameworks}
              AND coalesce(i.inspection_type, '') NOT IN {ungraded_types}
              AND EXISTS (SELECT 1 FROM judgements j WHERE j.inspection_id = i.inspection_id AND j.chosen
                          AND j.area <> 'lscb')
        ),
        ranked AS (
            SELECT *, row_number() OVER (
                       PARTITION BY current_gss
                       ORDER BY coalesce(inspection_start, inspection_end, published, make_date(year, 1, 1)) DESC
                                NULLS LAST, inspection_id DESC) AS recency
            FROM graded
        ),
        grades AS (
            SELECT g.inspection_id, {outcome_columns},
                   max(g.score) FILTER (WHERE g.area = 'overall') AS overall_score
            FROM (SELECT j.inspection_id, j.area, j.score, {report_grade_words} AS words
                  FROM judgements j WHERE j.chosen) g
            WHERE g.inspection_id IN (SELECT inspection_id FROM ranked WHERE recency <= 2)
            GROUP BY g.inspection_id
        )
        SELECT
            la.dfe_la_code AS la_area_code,
            la.name AS local_authority,
            {ofsted_region} AS ofsted_region,
            cur.inspection_start AS inspection_date,
            cur.inspection_end,
            cur.published AS publication_date,
            cur.published_source AS publication_date_source,
            cur.inspection_type,
            {current_columns},
            coalesce(report.path, (SELECT min(d.path) FROM documents d WHERE list_contains(cur.doc_ids, d.doc_id)))
                AS source_document,
            prev.inspection_start AS previous_inspection_date,
            prev.inspection_type AS previous_inspection_type,
            {previous_columns},
            CASE WHEN g.overall_score > pg.overall_score THEN 'improved'
                 WHEN g.overall_score < pg.overall_score THEN 'declined'
                 WHEN g.overall_score = pg.overall_score THEN 'same' END AS change,
            la.gss_code,
            la.region,
            -- the council inspected: a predecessor's name where the latest inspection is of the
            -- council this one replaced (Northamptonshire's for North Northamptonshire)
            coalesce(inspected.name, cur.local_authority) AS inspected_council,
            cur.framework,
            cur.year,
            cur.inspection_id,
            cur.report_doc_id AS doc_id
        FROM local_authorities la
        LEFT JOIN ranked cur ON cur.current_gss = la.gss_code AND cur.recency = 1
        LEFT JOIN ranked prev ON prev.current_gss = la.gss_code AND prev.recency = 2
        LEFT JOIN grades g ON g.inspection_id = cur.inspection_id
        LEFT JOIN grades pg ON pg.inspection_id = prev.inspection_id
        LEFT JOIN documents report ON report.doc_id = cur.report_doc_id
        LEFT JOIN local_authorities inspected ON inspected.gss_code = cur.la_gss_code
        WHERE la.valid_to IS NULL
    """,
    # Each section's text is cut from its document first, so the whole document text goes no
    # further than that join: numbering rows over the text would copy it once per section
    # (a 2,031-page document of 341 sections: 5.1 GB to read the view, 111 MB cut first).
    "section_text": """
        WITH placed AS (
            -- numbered over the sections alone: a window over rows holding their text would
            -- hold every text at once
            SELECT s.*,
                   coalesce(s.section_no, row_number() OVER (PARTITION BY s.doc_id ORDER BY s.start_char))
                       AS number,
                   -- a section's own text stops where the first section nested in it starts
                   least(s.end_char, coalesce(lead(s.start_char) OVER (PARTITION BY s.doc_id ORDER BY s.start_char),
                                              s.end_char)) AS own_end_char
            FROM sections s
        ),
        nested AS (
            -- joined before the text is: a join after it would copy each document's text per row
            SELECT s.*, parent.label AS parent_label,
                   -- the heading of the chapter a subsection is in (a document's title is not one)
                   CASE WHEN parent.level > 1 THEN parent.heading END AS parent_heading
            FROM placed s
            LEFT JOIN placed parent ON parent.doc_id = s.doc_id AND parent.number = s.parent_no
        ),
        cut AS (
            SELECT s.doc_id, s.label, s.heading, s.page, s.page_end, s.level, s.parent_no, s.grade,
                   s.parent_label, s.parent_heading,
                   s.start_char, s.end_char, s.number AS section_no, s.own_end_char,
                   substr(d.clean_text, s.start_char + 1, s.end_char - s.start_char) AS text
            FROM nested s
            JOIN documents d USING (doc_id)
        )
        SELECT
            s.doc_id,
            s.section_no,
            s.label,
            s.heading,
            coalesce(l.current_name, la.name) AS council,
            coalesce(l.current_gss_code, d.la_gss_code) AS gss_code,
            d.year,
            d.framework,
            d.doc_type,
            s.page,
            s.page_end,
            s.level,
            s.parent_no,
            s.parent_label,
            s.parent_heading,
            s.grade,
            s.start_char,
            s.end_char,
            s.own_end_char,
            s.text,
            d.path
        FROM cut s
        JOIN documents d USING (doc_id)
        LEFT JOIN local_authorities la ON la.gss_code = d.la_gss_code
        LEFT JOIN council_lineage l ON l.gss_code = d.la_gss_code
    """,
}


def sql_list(values) -> str:
    """SQL text of a list of strings: ('a', 'b')."""
    return "(" + ", ".join(_sql_text(v) for v in values) + ")"


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _report_grade_words_sql(score: str, framework: str) -> str:
    """SQL for a report's score in Ofsted's words (``vocabulary.grade_words`` on its 4-point scale)."""
    words = GRADE_WORDS["ofsted_4point"]
    score_2 = f"CASE WHEN {framework} = 'ilacs' THEN {_sql_text(ILACS_SCORE_2)} ELSE {_sql_text(words[2])} END"
    cases = " ".join(f"WHEN {s} THEN {score_2 if s == 2 else _sql_text(words[s])}" for s in (4, 3, 2, 1))
    return f"CASE {score} {cases} END"


def _outcome_columns_sql() -> str:
    """The judgement columns of Ofsted's outcomes table, each the grade of its areas."""
    columns = []
    for column, _heading, areas in OUTCOME_COLUMNS:
        where = f"g.area = {_sql_text(areas[0])}" if len(areas) == 1 else f"g.area IN {sql_list(areas)}"
        columns.append(f"max(g.words) FILTER (WHERE {where}) AS {column}")
    return ",\n            ".join(columns)


def _columns_of(alias: str, prefix: str = "") -> str:
    """The outcome columns of a ``grades`` row, named with ``prefix``."""
    return ",\n            ".join(f"{alias}.{column} AS {prefix}{column}" for column, _, _ in OUTCOME_COLUMNS)


def _ofsted_region_sql(column: str) -> str:
    """SQL for Ofsted's region of a council from its ONS region."""
    cases = " ".join(f"WHEN {_sql_text(ons)} THEN {_sql_text(ofsted)}"
                     for ons, ofsted in OFSTED_REGION_OF_ONS_REGION.items())
    return f"CASE {column} {cases} END"


def _vocabulary_sql() -> dict[str, str]:
    return {"report_grade_words": _report_grade_words_sql("j.score", "j.framework"),
            "inspection_frameworks": sql_list(INSPECTION_FRAMEWORKS),
            "ungraded_types": sql_list((*VISIT_INSPECTION_TYPES, "lscb_review")),
            "outcome_columns": _outcome_columns_sql(),
            "current_columns": _columns_of("g"),
            "previous_columns": _columns_of("pg", "previous_"),
            "ofsted_region": _ofsted_region_sql("la.region")}


def view_ddl() -> list[str]:
    """CREATE OR REPLACE VIEW statements, in dependency order."""
    values = _vocabulary_sql()
    return [f"CREATE OR REPLACE VIEW {name} AS {sql.strip().format(**values)}" for name, sql in VIEWS.items()]


from models.official import OFFICIAL_VIEWS  # noqa: E402
VIEWS.update(OFFICIAL_VIEWS)
