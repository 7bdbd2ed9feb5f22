"""Document type, framework and date rules: good and bad examples per rule."""
from datetime import date

import pytest

from extractors.classify import (
    classify,
    classify_doc_type,
    find_assessed_year,
    find_document_date,
    find_report_metadata,
    parse_date_range,
)


@pytest.mark.parametrize("text, doc_type", [
    ("1 November 2006\n\nDear Mrs Baxter\n\n2006 ANNUAL PERFORMANCE ASSESSMENT OF SERVICES", "apa_letter"),
    ("9 December 2009\n\nChildren's services annual rating\n\nThe rating is ...", "annual_rating_letter"),
    ("Provisional rating of children's services 2009\n\nChildren's services rating\tPerforms well", "annual_rating_letter"),
    ("CABINET\n\nCabinet Meeting .....17th December 2009\n\n2. Record of the Decision\n\nThe 2009 annual performance assessment ...", "council_minutes"),
    ("Council news\n\nIn a report published today (August 5) inspectors awarded the Council ...", "news_article"),
    ("PRESS RELEASE\n\nOfsted rates council good", "press_release"),
    ("Inspection of Lancashire local authority children’s services\nInspection dates: 11 to 22 May 2026", "inspection_report"),
    ("Stockton-on-Tees Borough Council\nInspection of services for children in need of help and protection, children looked after and care leavers", "inspection_report"),
    ("Focused visit to Leeds local authority children’s services", "focused_visit"),
    ("Monitoring visit of Birmingham children’s services", "monitoring_visit"),
    ("Minutes? No. A recipe for scones: flour, butter, milk.", "other"),
    ("", "other"),
    # minutes: committee systems' page furniture and decision wording
    ("Agenda item\n\nOfsted Inspection Report\n\nMinutes:\n\nThe Board noted the report.", "council_minutes"),
    ("Issue - meetings\n\nInspection of Local Authority Children Services\n\nMeeting: 30/07/2020 - Executive Board",
     "council_minutes"),
    ("Agenda and minutes\n\nCabinet - Monday, 17th December, 2007 10.00 am\n\nResults of Annual Performance "
     "Assessment of Children's Services", "council_minutes"),
    ("Report of the Assistant Director\nIt was reported that the inspection of local authority children’s services "
     "was completed.\nRESOLVED – That the report be noted.", "council_minutes"),
    # a press release that mentions a cabinet meeting is not minutes
    ("Children cared for\nThe report to the cabinet meeting on July 9 says the council is the only authority to "
     "improve so quickly.\nCouncillor Ann Smith, said: “We are proud.”", "news_article"),
    # committee reports and self-assessments
    ("Purpose : For Decision\n\nDate: 28 FEBRUARY 2006\n\nTo consider the annual performance assessment.", "other"),
    ("Report to Scrutiny Panel\nMeeting Date\nSeptember 21st 2010\nChildren's services rating", "other"),
    ("Cambridgeshire County Council\n\nAnnual Performance Assessment\n    Self-Assessment 2008", "other"),
    # council news pages: furniture, or a headline of Ofsted's verdict
    ("07 Jan 2019 Last updated at 10:00\n\nChildren's services rated good by Ofsted", "press_release"),
    ("22 June 2015\n\nChildren’s services ‘require improvement’ - Ofsted\n\nThe council’s children’s services have "
     "made steady improvements over the past two years, according to Ofsted.", "press_release"),
    ("Skip to main content\n\nOfsted publish inspection findings on services for children in Plymouth\n\nWork is "
     "well underway following their recent focused visit.", "press_release"),
    ("Publication of Ofsted children's services report\n\nBy on 23/05/2014 in Cllr Jones, News", "press_release"),
    # not news: a report's own furniture names Ofsted; a bulletin says the inspection "has been rated"
    ("Norfolk County Council\n1 Ofsted produces this report under its power to combine reports in accordance with "
     "section 152 of the Education and Inspections Act 2006.\nInspection of services for children in need of help "
     "and protection, children looked after and care leavers", "inspection_report"),
    # a report's title block is its own, whatever its body says: its body may quote minutes or a decision
    ("Inspection of South Gloucestershire local authority children’s services\n\nInspection dates: 4 to 15 March "
     "2024\n\nLead inspector: Jo Smith\n\nThe minutes of the corporate parenting board meeting show that RESOLVED "
     "actions are followed up.", "inspection_report"),
    ("Inspection of children’s social care services\nInspection dates: 3 December 2018 to 14 December 2018\n\n"
     "Record of the decision of the panel is kept on file.", "inspection_report"),
    # must not find: minutes whose agenda item is the report keep their type
    ("Minutes of the Cabinet meeting held on 9 May 2024\n\nItem 5: Inspection of South Gloucestershire local "
     "authority children’s services. The inspection took place in March.", "council_minutes"),
    ("Toggle Contrast\n\nBrighton & Hove’s Inspection of Local Authority Children’s Services (ILACS) has been rated "
     "‘Outstanding’ overall by Ofsted and many partners have written to say how pleased they are today.", "other"),
])
def test_doc_type(text, doc_type):
    assert classify_doc_type(text) == doc_type


@pytest.mark.parametrize("text, expected", [
    ("1 November 2006\n\nDear Mrs Baxter\n\n2006 ANNUAL PERFORMANCE ASSESSMENT", ("apa", date(2006, 11, 1), 2006)),
    ("Provisional rating of children's services 2009\n\nChildren's services rating\tPerforms well", ("annual_rating", None, 2009)),
    ("Cabinet Meeting .....17th December 2009\n\nRecord of the Decision\n\nThe 2009 Annual Performance Rating", ("annual_rating", date(2009, 12, 17), 2009)),
    # a website's banner date is not the article's date
    ("Tue. Apr 16th, 2024\n\nIn a report published today (August 5) ... under Ofsted’s single inspection framework.", ("sif", None, None)),
    ("Stockton-on-Tees Borough Council\nInspection of services for children in need of help and protection\nReport published: 5 August 2016", ("sif", date(2016, 8, 5), 2016)),
])
def test_framework_date_and_year(text, expected):
    result = classify(text)
    assert (result.framework, result.document_date, result.year) == expected


@pytest.mark.parametrize("text, expected", [
    ("23 May to 16 June 2016", (date(2016, 5, 23), date(2016, 6, 16))),
    ("11 to 22 May 2026", (date(2026, 5, 11), date(2026, 5, 22))),
    ("18 Feb 2014 - 12 March 2014", (date(2014, 2, 18), date(2014, 3, 12))),
    ("23 June - 16 July 2015", (date(2015, 6, 23), date(2015, 7, 16))),
    ("no dates here", None),
])
def test_date_ranges(text, expected):
    assert parse_date_range(text) == expected


def test_report_metadata():
    text = ("Inspection of Lancashire local authority children’s services\nInspection dates: 11 to 22 May 2026\n"
            "Lead inspector: Rachel Fairhurst, His Majesty’s Inspector\n")
    assert find_report_metadata(text) == {"inspection_start": "2026-05-11", "inspection_end": "2026-05-22",
                                          "lead_inspector": "Rachel Fairhurst"}


@pytest.mark.parametrize("text, doc_type, expected", [
    # a minute's date is its meeting's, however the committee system prints it
    ("Issue - meetings\n\nMeeting: 15/01/2009 - Executive Board (Item 91)\n\nThe APA had been published on 17th "
     "December 2008.", "council_minutes", date(2009, 1, 15)),
    ("Agenda and minutes\n\nCabinet - Monday, 17th December, 2007 10.00 am\n\nVenue: Darent Room",
     "council_minutes", date(2007, 12, 17)),
    ("Cabinet Meeting .....17th December 2009\n\nRecord of the Decision", "council_minutes", date(2009, 12, 17)),
    # a news page's dateline, not a date in its story
    ("07 Jan 2019 Last updated at 10:00\n\nChildren's services rated good by Ofsted\n\nInspectors visited in "
     "November 2018.", "press_release", date(2019, 1, 7)),
    ("04/05/2011 - Permalink\n\nCabinet to discuss Ofsted inspection", "press_release", date(2011, 5, 4)),
    ("Toggle Contrast\n\nBrighton & Hove’s inspection has been rated ‘Outstanding’ overall by Ofsted and everyone in "
     "the partnership is delighted with the news.\n\nDate: Thursday, 16th May 2024 | Category: Uncategorized",
     "other", date(2024, 5, 16)),
    ("Report to Scrutiny Panel\nMeeting Date\nSeptember 21st 2010\nSubject", "other", date(2010, 9, 21)),
    # no date of its own
    ("Agenda item\n\nMinutes:\n\nThe inspection took place in 2022.", "council_minutes", None),
])
def test_document_date(text, doc_type, expected):
    assert find_document_date(text, doc_type) == expected


@pytest.mark.parametrize("text, year", [
    ("Results of Annual Performance Assessment of Children's Services for 2006/07 pdf icon PDF 38 KB", 2007),
    ("Meeting: 15/01/2009\n\nThe APA had been published on 17th December 2008.", 2008),
    ("It was reported that between 10 and 21 October 2022 a full inspection of Children’s Services was completed "
     "and was the first inspection of this kind since 2018.", 2022),
    ("To receive an update on the outcome of the July 2024 Ofsted inspection of Children’s Services.", 2024),
    # an earlier inspection's year is not the one restated
    ("The ‘good’ rating is an improvement from the ‘adequate’ rating awarded after the last Ofsted inspection in "
     "November 2012.", None),
    ("Children’s services rated good by Ofsted after a four-week inspection in the autumn.", None),
])
def test_assessed_year(text, year):
    assert find_assessed_year(text) == year


@pytest.mark.parametrize("text, year", [
    ("Results of Annual Performance Assessment of Children's Services for 2006/07", 2007),
    ("Annual performance assessment 2008-09", 2009),
    # a date range is not an academic year
    ("Inspection date: 18 Feb 2014 – 12 March 2014", 2014),
    ("Inspection dates: 19 November 2013 – 11 December 2013", 2013),
])
def test_title_year(text, year):
    from extractors.classify import find_title_year

    assert find_title_year(text) == year


@pytest.mark.parametrize("text, dated, year", [
    # the month inspectors visited, against the page's own date
    ("Inspectors, who visited for three weeks in November, found children safe.", date(2019, 1, 7), 2018),
    ("The inspection took place in March and the report was published today.", date(2020, 5, 2), 2020),
    # the latest annual assessment, published each November or December
    ("In its most recent annual performance assessment, the council was graded 2.", date(2006, 2, 1), 2005),
    ("The latest annual performance assessment was published this week.", date(2007, 12, 17), 2007),
    # no month, no latest assessment: the page's date says nothing
    ("Children’s services rated good by Ofsted.", date(2019, 1, 7), None),
])
def test_assessed_year_from_the_documents_date(text, dated, year):
    assert find_assessed_year(text, dated) == year
