// IncidentsSession without widgets: the school's calendar across daylight-saving changes (days, weeks and the
// date filter), weeks without logs counted as 0, one student's history, and the incident list written as CSV
// and HTML by core/report/incidentlist.
#include "report/incidentlist.h"
#include "session/incidentssession.h"

#include <QDateTime>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>
#include <QUuid>

using namespace tt;
using namespace Qt::StringLiterals;

namespace {

qint64 utcMs(const QString &isoUtc)
{
    QDateTime t = QDateTime::fromString(isoUtc, Qt::ISODate);
    t.setTimeZone(QTimeZone::utc());
    return t.toMSecsSinceEpoch();
}

IncidentRecord record(qint64 ms, const QString &id, const QString &name, RecordType type = RecordType::Incident,
                      const QString &cls = u"3PL"_s)
{
    IncidentRecord r;
    r.timestampMs = ms;
    r.studentId = id;
    r.studentName = name;
    r.type = type;
    r.classCode = cls;
    r.teacherEmail = u"teacher@school.example"_s;
    r.category = u"Disruption"_s;
    r.level = u"Minor"_s;
    r.location = u"Classroom"_s;
    r.uuid = QUuid::createUuid().toString(QUuid::WithoutBraces);
    r.sourceIndex = 0;
    r.sourceRow = 2;
    return r;
}

std::shared_ptr<const std::vector<IncidentRecord>> share(std::vector<IncidentRecord> v)
{
    return std::make_shared<const std::vector<IncidentRecord>>(std::move(v));
}

} // namespace

class tst_IncidentsSession : public QObject
{
    Q_OBJECT
private slots:
    void schoolCalendar_data();
    void schoolCalendar();
    void dateFilterUsesSchoolDays();
    void weeksWithoutLogsAreZero();
    void studentHistory_data();
    void studentHistory();
    void matchingRows();
    void listCsv();
    void listHtml();
};

// A log's day and week are the school's, with the offset in force at that instant (not one offset for all).
void tst_IncidentsSession::schoolCalendar_data()
{
    QTest::addColumn<QString>("zone");
    QTest::addColumn<QString>("utc");
    QTest::addColumn<QDate>("day");
    QTest::addColumn<QDate>("week");
    // Melbourne: +11 in summer (AEDT), +10 in winter (AEST). 00:30 on a summer Monday is 13:30 UTC on Sunday:
    // one mid-year offset (+10) would put it on Sunday, in the week before.
    QTest::newRow("melbourne-summer-monday-0030") << u"Australia/Melbourne"_s << u"2025-03-02T13:30:00"_s
                                                  << QDate(2025, 3, 3) << QDate(2025, 3, 3);
    QTest::newRow("melbourne-winter-monday-0030") << u"Australia/Melbourne"_s << u"2025-07-06T14:30:00"_s
                                                  << QDate(2025, 7, 7) << QDate(2025, 7, 7);
    QTest::newRow("melbourne-winter-sunday-2330") << u"Australia/Melbourne"_s << u"2025-07-06T13:30:00"_s
                                                  << QDate(2025, 7, 6) << QDate(2025, 6, 30);
    // The night DST ends in Melbourne (2025-04-06 03:00 AEDT -> 02:00 AEST): 23:30 that Sunday is +10.
    QTest::newRow("melbourne-dst-ends-sunday-2330") << u"Australia/Melbourne"_s << u"2025-04-06T13:30:00"_s
                                                    << QDate(2025, 4, 6) << QDate(2025, 3, 31);
    // New York: -4 in summer (EDT), -5 in winter (EST). 23:30 on a winter Friday is 04:30 UTC on Saturday.
    QTest::newRow("newyork-winter-friday-2330") << u"America/New_York"_s << u"2025-01-11T04:30:00"_s
                                                << QDate(2025, 1, 10) << QDate(2025, 1, 6);
    QTest::newRow("newyork-summer-friday-2330") << u"America/New_York"_s << u"2025-07-12T03:30:00"_s
                                                << QDate(2025, 7, 11) << QDate(2025, 7, 7);
    QTest::newRow("utc") << u"UTC"_s << u"2025-07-12T23:59:00"_s << QDate(2025, 7, 12) << QDate(2025, 7, 7);
}

void tst_IncidentsSession::schoolCalendar()
{
    QFETCH(QString, zone);
    QFETCH(QString, utc);
    QFETCH(QDate, day);
    QFETCH(QDate, week);
    const QTimeZone tz(zone.toUtf8());
    QVERIFY2(tz.isValid(), qPrintable(zone));
    // Records across a whole year, so the span holds both offsets.
    std::vector<IncidentRecord> v{record(utcMs(u"2025-01-02T00:00:00"_s), u"1"_s, u"A"_s), record(utcMs(utc), u"2"_s, u"B"_s),
                                  record(utcMs(u"2025-12-20T00:00:00"_s), u"3"_s, u"C"_s)};
    IncidentsSession s;
    s.setRecords(share(v), tz);
    QCOMPARE(s.dateOf(s.records()[1]), day);
    QCOMPARE(s.weekOf(s.records()[1]), week);
    QVERIFY(s.stats().perWeek.value(week) >= 1);
}

void tst_IncidentsSession::dateFilterUsesSchoolDays()
{
    // 00:30 on Monday 3 March 2025 in Melbourne (summer): in "from 3 March", not in "to 2 March".
    std::vector<IncidentRecord> v{record(utcMs(u"2025-03-02T13:30:00"_s), u"1"_s, u"A"_s),
                                  record(utcMs(u"2025-07-01T01:00:00"_s), u"2"_s, u"B"_s)};
    IncidentsSession s;
    s.setRecords(share(v), QTimeZone("Australia/Melbourne"));
    s.setDateRange(QDate(2025, 3, 3), QDate(2025, 3, 3));
    s.apply();
    QCOMPARE(s.matches(), 1);
    QVERIFY(s.accepts(0));
    s.setDateRange(QDate(), QDate(2025, 3, 2));
    s.apply();
    QCOMPARE(s.matches(), 0);
}

void tst_IncidentsSession::weeksWithoutLogsAreZero()
{
    // Logs in the weeks of 6 Jan and 27 Jan (Mondays): the two weeks between are there, with 0.
    std::vector<IncidentRecord> v{record(utcMs(u"2025-01-07T02:00:00"_s), u"1"_s, u"A"_s),
                                  record(utcMs(u"2025-01-08T02:00:00"_s), u"1"_s, u"A"_s),
                                  record(utcMs(u"2025-01-28T02:00:00"_s), u"2"_s, u"B"_s)};
    IncidentsSession s;
    s.setRecords(share(v), QTimeZone::utc());
    const QMap<QDate, int> expected{{QDate(2025, 1, 6), 2}, {QDate(2025, 1, 13), 0}, {QDate(2025, 1, 20), 0},
                                    {QDate(2025, 1, 27), 1}};
    QCOMPARE(s.stats().perWeek, expected);
    // Filtered to one week: only that week, no padding beyond the logs that match.
    s.setStudent(u"2"_s);
    s.apply();
    QCOMPARE(s.stats().perWeek, (QMap<QDate, int>{{QDate(2025, 1, 27), 1}}));
    s.setStudent(u"nobody"_s);
    s.apply();
    QVERIFY(s.stats().perWeek.isEmpty());
}

void tst_IncidentsSession::studentHistory_data()
{
    QTest::addColumn<QString>("id");
    QTest::addColumn<QString>("name");
    QTest::addColumn<QList<int>>("rows");
    // rows 0..5: see studentHistory(); the history is in time order, whatever the record order.
    QTest::newRow("by-id") << u"0317"_s << u"Ava Tran"_s << QList<int>{3, 0, 4};
    QTest::newRow("id-not-name") << u"0317"_s << u"Somebody Else"_s << QList<int>{3, 0, 4};
    QTest::newRow("no-id-by-name") << QString() << u"ava  tran"_s << QList<int>{5};
    QTest::newRow("other-id") << u"42"_s << u"Ben Oduya"_s << QList<int>{1, 2};
    QTest::newRow("unknown") << u"999"_s << QString() << QList<int>{};
    QTest::newRow("nothing") << QString() << QString() << QList<int>{};
}

void tst_IncidentsSession::studentHistory()
{
    QFETCH(QString, id);
    QFETCH(QString, name);
    QFETCH(QList<int>, rows);
    std::vector<IncidentRecord> v{record(utcMs(u"2025-02-10T01:00:00"_s), u"0317"_s, u"Ava Tran"_s),
                                  record(utcMs(u"2025-02-11T01:00:00"_s), u"42"_s, u"Ben Oduya"_s),
                                  record(utcMs(u"2025-02-12T01:00:00"_s), u"42"_s, u"Ben Oduya"_s, RecordType::Commendation),
                                  record(utcMs(u"2025-02-01T01:00:00"_s), u"0317"_s, u"Ava Tran"_s, RecordType::Commendation),
                                  record(utcMs(u"2025-03-01T01:00:00"_s), u"0317"_s, u"Ava Tran"_s),
                                  record(utcMs(u"2025-03-02T01:00:00"_s), QString(), u"Ava Tran"_s)};
    IncidentsSession s;
    s.setRecords(share(v), QTimeZone::utc());
    const std::vector<int> got = s.rowsOfStudent(id, name);
    QCOMPARE(QList<int>(got.begin(), got.end()), rows);
}

void tst_IncidentsSession::matchingRows()
{
    std::vector<IncidentRecord> v{record(utcMs(u"2025-02-10T01:00:00"_s), u"1"_s, u"A"_s, RecordType::Incident),
                                  record(utcMs(u"2025-02-11T01:00:00"_s), u"2"_s, u"B"_s, RecordType::Commendation),
                                  record(utcMs(u"2025-02-12T01:00:00"_s), u"3"_s, u"C"_s, RecordType::Incident)};
    IncidentsSession s;
    s.setRecords(share(v), QTimeZone::utc());
    QCOMPARE(s.matchingRows(), (std::vector<int>{0, 1, 2}));
    s.setType(IncidentsSession::IncidentsOnly);
    s.apply();
    QCOMPARE(s.matchingRows(), (std::vector<int>{0, 2}));
}

void tst_IncidentsSession::listCsv()
{
    std::vector<IncidentRecord> v{record(utcMs(u"2025-03-02T13:30:00"_s), u"0317"_s, u"Ava Tran"_s),
                                  record(utcMs(u"2025-07-01T01:00:00"_s), u"42"_s, u"=HYPERLINK(\"x\")"_s)};
    v[0].note = u"Line one\nline \"two\", with a comma"_s;
    IncidentListContext c;
    c.schoolName = u"Wattle Grove Primary"_s;
    c.zone = QTimeZone("Australia/Melbourne");
    c.sourceNames = QStringList{u"incidents.csv"_s};
    QTemporaryDir dir;
    const QString path = dir.filePath(u"list.csv"_s);
    writeIncidentListCsv(v, {1, 0}, c, path); // in the order given (the list's sort order)
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther), QFileDevice::Permissions());
    const QByteArray bytes = f.readAll();
    QVERIFY(bytes.startsWith("\xEF\xBB\xBF")); // the BOM: spreadsheets read the file as UTF-8
    const QString text = QString::fromUtf8(bytes.mid(3));
    const QStringList lines = text.split(u"\r\n"_s);
    QCOMPARE(lines.first(), incidentListColumns().join(u','));
    QVERIFY2(lines.at(1).startsWith(u"2025-07-01 11:00,Incident,\"'=HYPERLINK(\"\"x\"\")\",42,3PL,"_s), qPrintable(lines.at(1)));
    QVERIFY2(lines.at(2).startsWith(u"2025-03-03 00:30,Incident,Ava Tran,0317,3PL,"_s), qPrintable(lines.at(2)));
    QVERIFY(text.contains(u"\"Line one\nline \"\"two\"\", with a comma\""_s));
    QVERIFY(text.contains(u",incidents.csv,2\r\n"_s));
    QCOMPARE(lines.size(), 4); // header, two rows, and the empty piece after the last CRLF

    // A row that is not in the list is refused, naming the file; nothing is written.
    const QString bad = dir.filePath(u"bad.csv"_s);
    QVERIFY_THROWS_EXCEPTION(std::exception, writeIncidentListCsv(v, {0, 7}, c, bad));
    QVERIFY(!QFile::exists(bad));
}

void tst_IncidentsSession::listHtml()
{
    std::vector<IncidentRecord> v{record(utcMs(u"2025-02-01T01:00:00"_s), u"0317"_s, u"Ava <Tran>"_s, RecordType::Commendation, u"2HT"_s),
                                  record(utcMs(u"2025-03-01T01:00:00"_s), u"0317"_s, u"Ava <Tran>"_s, RecordType::Incident, u"3PL"_s),
                                  record(utcMs(u"2025-03-05T01:00:00"_s), u"0317"_s, u"Ava <Tran>"_s, RecordType::Incident, u"3PL"_s)};
    IncidentListContext c;
    c.schoolName = u"Wattle Grove Primary"_s;
    c.filterSummary = u"class: 3PL"_s;
    const QString list = renderIncidentListHtml(v, {1, 2}, c);
    QVERIFY(list.contains(u"Filtered: class: 3PL."_s));
    QVERIFY(list.contains(u"2 logs: 2 incidents, 0 commendations."_s));
    QVERIFY(renderIncidentListHtml(v, {0}, c).contains(u"1 log: 0 incidents, 1 commendation."_s));
    QVERIFY(list.contains(u"Ava &lt;Tran&gt;"_s));
    QVERIFY(!list.contains(u"<Tran>"_s));
    QCOMPARE(list.count(u"<tr>"_s), 3); // header and two rows
    QVERIFY(list.contains(u"<table width=\"100%\" cellspacing=\"0\" cellpadding=\"4\">"_s));
    const QString history = renderStudentHistoryHtml(v, {0, 1, 2}, c);
    QVERIFY(history.contains(u"Behaviour history: Ava &lt;Tran&gt;"_s));
    QVERIFY(history.contains(u"Student ID: 0317"_s));
    QVERIFY(history.contains(u"Classes: 2HT (1 log), 3PL (2 logs)"_s));
    QVERIFY(history.contains(u"2 incidents and 1 commendation, from 2025-02-01 to 2025-03-05."_s));
}

QTEST_GUILESS_MAIN(tst_IncidentsSession)
#include "tst_incidentssession.moc"
