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

from models.vocabulary import GRADE_WORDS, ILACS_SCORE_2, INSPECTION_FRAMEWORKS, OUTCOME_COLUMNS

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
    "judgement_timeline": """
        SELECT
            coalesce(l.current_gss_code, j.la_gss_code) AS gss_code,
            coalesce(l.current_name, la.name, j.local_authority) AS council,
            la.name AS council_at_the_time,
            j.la_gss_code AS gss_code_at_the_time,
            j.year,
            j.framework,
            j.area,
            j.label,
            j.scale,
            j.grade,
            j.score,
            j.evidence,
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
        JOIN documents d USING (doc_id)
        LEFT JOIN local_authorities la ON la.gss_code = j.la_gss_code
        LEFT JOIN council_lineage l ON l.gss_code = j.la_gss_code
    """,
    "latest_inspection": """
        WITH reports AS (
            SELECT d.*, coalesce(l.current_gss_code, d.la_gss_code) AS current_gss,
                   row_number() OVER (
                       PARTITION BY coalesce(l.current_gss_code, d.la_gss_code)
                       ORDER BY coalesce(d.inspection_end, d.published, d.document_date) DESC NULLS LAST,
                                d.year DESC NULLS LAST, d.path DESC) AS recency
            FROM documents d
            LEFT JOIN council_lineage l ON l.gss_code = d.la_gss_code
            WHERE d.doc_type = 'inspection_report' AND d.framework IN {inspection_frameworks}
              AND EXISTS (SELECT 1 FROM judgements j WHERE j.doc_id = d.doc_id AND j.area <> 'lscb')
        ),
        latest AS (SELECT * FROM reports WHERE recency = 1),
        -- the report's own grades, not a predecessor council's or an earlier inspection's it recalls
        own AS (
            SELECT j.* FROM judgements j JOIN latest USING (doc_id)
            WHERE j.la_gss_code IS NOT DISTINCT FROM latest.la_gss_code
        ),
        own_year AS (SELECT doc_id, max(year) AS year FROM own GROUP BY doc_id),
        grades AS (
            SELECT j.doc_id, j.area, {report_grade_words} AS words
            FROM own j JOIN own_year y ON y.doc_id = j.doc_id AND j.year IS NOT DISTINCT FROM y.year
        )
        SELECT
            la.name AS council,
            la.gss_code,
            la.dfe_la_code,
            la.region,
            latest.framework,
            latest.inspection_start,
            latest.inspection_end,
            latest.published,
            {outcome_columns},
            latest.path AS source_document,
            latest.doc_id
        FROM local_authorities la
        LEFT JOIN latest ON latest.current_gss = la.gss_code
        LEFT JOIN grades g ON g.doc_id = latest.doc_id
        WHERE la.valid_to IS NULL
        GROUP BY ALL
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


def _vocabulary_sql() -> dict[str, str]:
    return {"report_grade_words": _report_grade_words_sql("j.score", "j.framework"),
            "inspection_frameworks": sql_list(INSPECTION_FRAMEWORKS),
            "outcome_columns": _outcome_columns_sql()}


def view_ddl() -> list[str]:
    """CREATE OR REPLACE VIEW statements, in dependency order."""
    values = _vocabulary_sql()
    return [f"CREATE OR REPLACE VIEW {name} AS {sql.strip().format(**values)}" for name, sql in VIEWS.items()]
