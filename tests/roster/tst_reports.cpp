#include "common/errors.h"
#include "report/csvexport.h"
#include "report/htmlreport.h"
#include "roster/rosterbuilder.h"

#include <sys/stat.h>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace tt::test {

namespace {

IncidentRecord record(const QString &id, const QString &name, const QString &email, const QString &cls)
{
    IncidentRecord r;
    r.uuid = u"11111111-2222-4333-8444-555555555555"_s;
    r.timestampMs = 1741000000000;
    r.studentId = id;
    r.studentName = name;
    r.teacherEmail = email;
    r.classCode = cls;
    r.location = u"Classroom"_s;
    return r;
}

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

class tst_Reports : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void htmlEscapes();
    void htmlSections();
    void csvCell_data();
    void csvCell();
    void filesWritten();
    void unwritableDirectory();

private:
    Roster m_roster;
    ReportData m_data;
};

void tst_Reports::initTestCase()
{
    std::vector<IncidentRecord> recs{
        record(u"=1+2"_s, u"<script>alert(1)</script> Kid"_s, u"a&b.teacher@school.example"_s, u"@SUM(A1)"_s),
        record(u"42"_s, u"Finn O'Brien"_s, u"jane.smith@school.example"_s, u"5JT"_s)};
    m_roster = RosterBuilder().build(recs, {}, {}, {});
    m_data.schoolName = u"Wattle <Grove> & Co"_s;
    m_data.domain = u"wattlegrove.example.edu.au"_s;
    m_data.counts.read = 4;
    m_data.counts.accepted = 2;
    m_data.counts.duplicatesIdentical = 1;
    m_data.counts.quarantined = 1;
    m_data.sourceNames = {u"Incidents.csv"_s};
    m_data.quarantine.push_back(QuarantinedRow{0, 7, u"timestamp"_s, u"Incidents row 7: timestamp 'TBC' is not a date"_s,
                                               {u"TBC"_s, u"-5"_s, u"+cmd|' /C calc'!A0"_s, u"\tTab"_s, u"multi\nline, \"q\""_s}});
    m_data.roster = &m_roster;
    m_data.incidents = 2;
    m_data.generatedAtMs = 1764000000000;
}

void tst_Reports::htmlEscapes()
{
    const QString html = renderHtmlReport(m_data);
    QVERIFY(!html.contains(u"<script>"_s));
    QVERIFY(html.contains(u"&lt;script&gt;alert(1)&lt;/script&gt;"_s));
    QVERIFY(html.contains(u"Wattle &lt;Grove&gt; &amp; Co"_s));
    QVERIFY(html.contains(u"a&amp;b.teacher@school.example"_s));
    QVERIFY(html.contains(u"O&#x27;Brien"_s) || html.contains(u"O'Brien"_s));
}

void tst_Reports::htmlSections()
{
    const QString html = renderHtmlReport(m_data);
    QVERIFY(html.startsWith(u"<!DOCTYPE html>"_s));
    QVERIFY(html.contains(u"<style>"_s));
    QVERIFY(!html.contains(u"<link"_s)); // self-contained
    QVERIFY(!html.contains(u"<script"_s));
    for (const QString &section : {u"Links"_s, u"Teachers (2)"_s, u"Classrooms (2)"_s, u"Students (2)"_s,
                                   u"What remains to decide"_s, u"Quarantined rows (1)"_s})
        QVERIFY2(html.contains(section), qPrintable(section));
    QVERIFY(html.contains(u"Incidents.csv"_s));
    QVERIFY(html.contains(u"TBC"_s));
    QVERIFY(html.contains(u"2025-11-24"_s)); // generatedAtMs
    QVERIFY(html.contains(u"class=\"ok\""_s)); // counts balance
}

void tst_Reports::csvCell_data()
{
    QTest::addColumn<QString>("in");
    QTest::addColumn<QString>("out");
    QTest::newRow("plain") << u"Jane"_s << u"Jane"_s;
    QTest::newRow("empty") << QString() << QString();
    QTest::newRow("equals") << u"=1+2"_s << u"'=1+2"_s;
    QTest::newRow("plus") << u"+61 400"_s << u"'+61 400"_s;
    QTest::newRow("minus") << u"-5"_s << u"'-5"_s;
    QTest::newRow("at") << u"@SUM(A1)"_s << u"'@SUM(A1)"_s;
    QTest::newRow("tab") << u"\tx"_s << u"'\tx"_s;
    QTest::newRow("cr") << u"\rx"_s << u"\"'\rx\""_s;
    QTest::newRow("comma") << u"a,b"_s << u"\"a,b\""_s;
    QTest::newRow("quote") << u"say \"hi\""_s << u"\"say \"\"hi\"\"\""_s;
    QTest::newRow("newline") << u"a\nb"_s << u"\"a\nb\""_s;
    QTest::newRow("formula and comma") << u"=HYPERLINK(\"x\",\"y\")"_s << u"\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\""_s;
    QTest::newRow("inner equals kept") << u"a=b"_s << u"a=b"_s;
}

void tst_Reports::csvCell()
{
    QFETCH(QString, in);
    QFETCH(QString, out);
    QCOMPARE(tt::csvCell(in), out);
}

void tst_Reports::filesWritten()
{
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const QString dir = tmp.filePath(u"exports/nested"_s);
    ::umask(022); // the usual umask, which would make the files 0644
    writeCsvExports(m_data, dir);
    for (const QString &name : {u"teachers.csv"_s, u"classrooms.csv"_s, u"students.csv"_s, u"quarantine.csv"_s}) {
        const QByteArray bytes = readAll(QDir(dir).filePath(name));
        QVERIFY2(bytes.startsWith("\xEF\xBB\xBF"), qPrintable(name));
        QVERIFY(bytes.contains("\r\n"));
    }
    const QString students = QString::fromUtf8(readAll(QDir(dir).filePath(u"students.csv"_s)));
    QVERIFY(students.contains(u"\r\n'=1+2,"_s));
    QVERIFY(students.contains(u"'@SUM(A1)"_s));
    QVERIFY(!students.contains(u",=1+2"_s));
    const QString quarantine = QString::fromUtf8(readAll(QDir(dir).filePath(u"quarantine.csv"_s)));
    QVERIFY(quarantine.contains(u"Incidents.csv,7,timestamp,"_s));
    QVERIFY(quarantine.contains(u",'-5,"_s));
    QVERIFY(quarantine.contains(u"'+cmd"_s));
    QVERIFY(quarantine.contains(u"\"multi\nline, \"\"q\"\"\""_s));
    QVERIFY(quarantine.contains(u"cell5"_s));
    const QString teachers = QString::fromUtf8(readAll(QDir(dir).filePath(u"teachers.csv"_s)));
    QVERIFY(teachers.contains(u"jane.smith@school.example,Jane Smith,email,teacher"_s));
    // nothing left behind by the atomic writes
    QCOMPARE(QDir(dir).entryList(QDir::Files).size(), 4);
    // children's data: owner-only files in owner-only folders, whatever the umask
    const QFileDevice::Permissions userBits = QFileDevice::ReadUser | QFileDevice::WriteUser | QFileDevice::ExeUser;
    for (const QString &name : QDir(dir).entryList(QDir::Files))
        QCOMPARE(QFile::permissions(QDir(dir).filePath(name)) & ~userBits, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    for (const QString &folder : {tmp.filePath(u"exports"_s), dir})
        QCOMPARE(QFile::permissions(folder) & ~userBits,
                 QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
}

void tst_Reports::unwritableDirectory()
{
    QTemporaryDir tmp;
    QFile blocker(tmp.filePath(u"file"_s));
    QVERIFY(blocker.open(QIODevice::WriteOnly));
    blocker.close();
    QVERIFY_THROWS_EXCEPTION(UserError, writeCsvExports(m_data, tmp.filePath(u"file/sub"_s)));
}

} // namespace tt::test

QTEST_GUILESS_MAIN(tt::test::tst_Reports)
#include "tst_reports.moc"
