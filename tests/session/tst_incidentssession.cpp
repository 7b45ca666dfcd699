// IncidentsSession without widgets: the school's calendar across daylight-saving changes (days, weeks and the
// date filter), weeks without logs counted as 0, one student's history, and the incident list written as CSV
// and HTML by core/report/incidentlist.
#include "report/incidentlist.h"
#include "session/incidentssession.h"
#include "fixturegenerator.h"

#include <QDateTime>
#include <QFile>
#include <QSignalSpy>
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
    void loadsOnAWorker();
    void weeksWithoutLogsAreZero();
    void studentHistory_data();
    void studentHistory();
    void matchingRows();
    void asyncFilterMatchesReference_data();
    void asyncFilterMatchesReference();
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

// loadRecords returns at once; the records are indexed on a worker, then recordsLoaded (the filter lists are the new
// records') and filterChanged (every new record shown) follow on this thread; a newer load supersedes an older one.
void tst_IncidentsSession::loadsOnAWorker()
{
    std::vector<IncidentRecord> first{record(utcMs(u"2025-03-03T01:00:00"_s), u"1"_s, u"A"_s, RecordType::Incident, u"5JT"_s)};
    std::vector<IncidentRecord> second;
    for (int i = 0; i < 3000; ++i)
        second.push_back(record(utcMs(u"2025-03-03T01:00:00"_s) + i * 60000LL, QString::number(i % 40), u"Kid %1"_s.arg(i % 40),
                                i % 3 ? RecordType::Incident : RecordType::Commendation, i % 2 ? u"3PL"_s : u"4MB"_s));
    IncidentsSession s;
    QSignalSpy loaded(&s, &IncidentsSession::recordsLoaded);
    QSignalSpy filtered(&s, &IncidentsSession::filterChanged);
    s.loadRecords(share(first), QTimeZone::utc());
    s.loadRecords(share(second), QTimeZone::utc()); // supersedes the first
    QCOMPARE(s.records().size(), second.size());     // at once
    QCOMPARE(s.matches(), 0);                         // nothing shown until filtered
    QVERIFY(s.shownRows()->empty());
    QVERIFY(filtered.wait(10000));
    QCOMPARE(loaded.count(), 1);
    QCOMPARE(s.classCodes(), (QStringList{u"3PL"_s, u"4MB"_s}));
    QCOMPARE(s.matches(), qint64(second.size()));
    QCOMPARE(s.shownRows()->size(), second.size());
    // the first sort of any column needs no wait for an order of its own
    s.setSort(int(IncidentColumn::Student), Qt::DescendingOrder);
    s.waitForFinished();
    QCOMPARE(s.shownRows()->size(), second.size());
    QCOMPARE(s.records()[size_t(s.shownRows()->front())].studentName, u"Kid 9"_s);
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

// The filter and sort as the list runs them (on the worker thread, a newer request superseding an older one)
// give exactly the rows of a straightforward filter and stable sort written out here, for each criteria set.
void tst_IncidentsSession::asyncFilterMatchesReference_data()
{
    QTest::addColumn<int>("type");
    QTest::addColumn<QDate>("from");
    QTest::addColumn<QDate>("to");
    QTest::addColumn<QString>("teacher");
    QTest::addColumn<QString>("classCode");
    QTest::addColumn<QString>("student");
    QTest::addColumn<int>("categoryIndex"); // into the distinct categories; -1 = any
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("sortColumn");
    QTest::addColumn<bool>("descending");
    const QDate none;
    QTest::newRow("nothing, by time") << -1 << none << none << QString() << QString() << QString() << -1 << QString() << 0 << false;
    QTest::newRow("nothing, by note desc") << -1 << none << none << QString() << QString() << QString() << -1 << QString() << 10 << true;
    QTest::newRow("incidents, by student") << 0 << none << none << QString() << QString() << QString() << -1 << QString() << 2 << false;
    QTest::newRow("commendations, by id desc") << 1 << none << none << QString() << QString() << QString() << -1 << QString() << 3 << true;
    QTest::newRow("term 1, by class") << -1 << QDate(2025, 2, 1) << QDate(2025, 4, 11) << QString() << QString() << QString() << -1 << QString() << 4 << false;
    QTest::newRow("from June, by teacher desc") << -1 << QDate(2025, 6, 1) << none << QString() << QString() << QString() << -1 << QString() << 5 << true;
    QTest::newRow("teacher part, upper case") << -1 << none << none << u"<a teacher's domain, upper case>"_s << QString() << QString() << -1 << QString() << 6 << false;
    QTest::newRow("class, other case") << -1 << none << none << QString() << u"<a class, other case>"_s << QString() << -1 << QString() << 7 << false;
    QTest::newRow("class nobody has") << -1 << none << none << QString() << u"no such class"_s << QString() << -1 << QString() << 0 << false;
    QTest::newRow("category, by location") << -1 << none << none << QString() << QString() << QString() << 0 << QString() << 8 << false;
    QTest::newRow("category + type + dates") << 0 << QDate(2025, 3, 1) << QDate(2025, 9, 30) << QString() << QString() << QString() << 1 << QString() << 9 << true;
    QTest::newRow("student name part") << -1 << none << none << QString() << QString() << u"AN"_s << -1 << QString() << 0 << true;
    QTest::newRow("text, common") << -1 << none << none << QString() << QString() << QString() << -1 << u"the"_s << 1 << false;
    QTest::newRow("text, upper case") << -1 << none << none << QString() << QString() << QString() << -1 << u"CLASS"_s << 0 << false;
    QTest::newRow("text, accented, other case") << -1 << none << none << QString() << QString() << QString() << -1 << u"élève"_s << 0 << false;
    QTest::newRow("text, across a line break") << -1 << none << none << QString() << QString() << QString() << -1 << u"late\nagain"_s << 0 << false;
    QTest::newRow("text in a location, upper case") << -1 << none << none << QString() << QString() << QString() << -1 << u"<location>"_s << 8 << false;
    QTest::newRow("text in an email") << -1 << none << none << QString() << QString() << QString() << -1 << u"<email>"_s << 5 << false;
    QTest::newRow("text in a name, lower case") << -1 << none << none << QString() << QString() << QString() << -1 << u"<name>"_s << 2 << false;
    QTest::newRow("text in an action") << -1 << none << none << QString() << QString() << QString() << -1 << u"<action>"_s << 9 << true;
    QTest::newRow("text = a level") << -1 << none << none << QString() << QString() << QString() << -1 << u"minor"_s << 0 << false;
    QTest::newRow("text, no match") << -1 << none << none << QString() << QString() << QString() << -1 << u"zzqx"_s << 0 << false;
    QTest::newRow("everything at once") << 0 << QDate(2025, 1, 1) << QDate(2025, 12, 31) << u"@"_s << QString() << u"a"_s << -1 << u"e"_s << 2 << true;
}

void tst_IncidentsSession::asyncFilterMatchesReference()
{
    QFETCH(int, type);
    QFETCH(QDate, from);
    QFETCH(QDate, to);
    QFETCH(QString, teacher);
    QFETCH(QString, classCode);
    QFETCH(QString, student);
    QFETCH(int, categoryIndex);
    QFETCH(QString, text);
    QFETCH(int, sortColumn);
    QFETCH(bool, descending);

    tt::test::SchoolSpec spec;
    spec.seed = 20251202;
    spec.year = 2025;
    spec.logs = 60000; // enough for the filter's parallel path (50,000 and up)
    std::vector<IncidentRecord> v = tt::test::generateSchool(spec).logs;
    for (size_t i = 0; i < v.size(); ++i) { // distinct times (a total order); some cases and accents to fold
        v[i].timestampMs = v[i].timestampMs / 1000 * 1000 + qint64(i % 1000);
        if (i % 7 == 0)
            v[i].note = (i % 2 ? u"ÉLÈVE late\nagain to Class "_s : u"élève sent out of class "_s) + QString::number(i % 13);
        if (i % 11 == 0)
            v[i].classCode = v[i].classCode.toLower();
        if (i % 17 == 0)
            v[i].classCode.clear();
    }
    if (teacher.startsWith(u'<'))
        teacher = v[1].teacherEmail.section(u'@', 1).toUpper();
    // text in one of the fields searched once per distinct value: part of a record's location, email, name, action
    if (text == u"<location>"_s)
        text = v[1].location.mid(1, 4).toUpper();
    else if (text == u"<email>"_s)
        text = v[3].teacherEmail.left(6);
    else if (text == u"<name>"_s)
        text = v[2].studentName.section(u' ', -1).toLower();
    else if (text == u"<action>"_s)
        text = v[4].actionTaken.mid(2, 5);
    if (classCode.startsWith(u'<')) // a class logged in upper case by some, in lower case by others (i % 11)
        classCode = v[1].classCode.isUpper() ? v[1].classCode.toLower() : v[1].classCode.toUpper();
    IncidentsSession s;
    s.setRecords(share(v), QTimeZone::utc());
    const QString category = categoryIndex < 0 ? QString() : s.categories().value(categoryIndex);
    auto day = [](const IncidentRecord &r) { return QDateTime::fromMSecsSinceEpoch(r.timestampMs, QTimeZone::utc()).date(); };
    auto has = [](const QString &field, const QString &part) { return field.contains(part, Qt::CaseInsensitive); };
    auto eqCi = [](const QString &a, const QString &b) { return a.compare(b, Qt::CaseInsensitive) == 0; };
    std::vector<int> expected;
    for (size_t i = 0; i < v.size(); ++i) {
        const IncidentRecord &r = v[i];
        const bool ok = (type < 0 || int(r.type) == type) && (!from.isValid() || day(r) >= from) && (!to.isValid() || day(r) <= to)
            && (teacher.isEmpty() || has(r.teacherEmail, teacher)) && (classCode.isEmpty() || eqCi(r.classCode, classCode))
            && (category.isEmpty() || r.category == category)
            && (student.isEmpty() || r.studentId == student || has(r.studentName, student))
            && (text.isEmpty() || has(r.note, text) || has(r.studentName, text) || has(r.teacherEmail, text) || has(r.category, text)
                || has(r.location, text) || has(r.actionTaken, text) || r.studentId == text || eqCi(r.classCode, text)
                || eqCi(r.level, text));
        if (ok)
            expected.push_back(int(i));
    }
    auto valueOrder = [&](const IncidentRecord &a, const IncidentRecord &b) -> int {
        auto ci = [](const QString &x, const QString &y) { return QString::compare(x, y, Qt::CaseInsensitive); };
        switch (sortColumn) {
        case 1: return int(a.type) - int(b.type);
        case 2: return ci(a.studentName, b.studentName);
        case 3: return a.studentId.size() != b.studentId.size() ? int(a.studentId.size() - b.studentId.size()) : a.studentId.compare(b.studentId);
        case 4: return ci(a.classCode, b.classCode);
        case 5: return a.teacherEmail.compare(b.teacherEmail);
        case 6: return ci(a.level, b.level);
        case 7: return ci(a.category, b.category);
        case 8: return ci(a.location, b.location);
        case 9: return ci(a.actionTaken, b.actionTaken);
        case 10: return ci(a.note, b.note);
        }
        return 0;
    };
    std::stable_sort(expected.begin(), expected.end(), [&](int x, int y) {
        const IncidentRecord &a = v[size_t(x)], &b = v[size_t(y)];
        const int c = valueOrder(a, b);
        const bool less = c != 0 ? c < 0 : a.timestampMs < b.timestampMs;
        const int d = valueOrder(b, a);
        const bool greater = d != 0 ? d < 0 : b.timestampMs < a.timestampMs;
        return descending ? greater : less;
    });
    QVERIFY(!expected.empty() || QByteArray(QTest::currentDataTag()).contains("no"));

    // Something else first, then these criteria at once: the first request is superseded, only the second lands.
    QSignalSpy changed(&s, &IncidentsSession::filterChanged);
    s.setText(u"superseded"_s);
    s.start();
    s.setType(type);
    s.setDateRange(from, to);
    s.setTeacher(teacher);
    s.setClassCode(classCode);
    s.setStudent(student);
    s.setCategory(category);
    s.setText(text);
    s.setSort(sortColumn, descending ? Qt::DescendingOrder : Qt::AscendingOrder);
    s.start();
    QVERIFY(s.isBusy());
    QTRY_VERIFY_WITH_TIMEOUT(!s.isBusy(), 20000);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(s.matches(), qint64(expected.size()));
    QCOMPARE(*s.shownRows(), expected);
    std::vector<int> inRecordOrder = expected;
    std::sort(inRecordOrder.begin(), inRecordOrder.end());
    QCOMPARE(s.matchingRows(), inRecordOrder);
    QCOMPARE(s.stats().total, qint64(expected.size()));
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
