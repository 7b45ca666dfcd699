#include "records/columnmapping.h"

#include <QTest>
#include <nlohmann/json.hpp>

using namespace tt;

static SheetRow rowOf(const QStringList &cells)
{
    SheetRow r;
    r.number = 1;
    for (const QString &c : cells)
        r.cells.push_back(Cell::makeText(c));
    return r;
}

class tst_ColumnMapping : public QObject
{
    Q_OBJECT
private slots:
    void detect_data();
    void detect();
    void problems();
    void json();
    void letters();
};

void tst_ColumnMapping::detect_data()
{
    QTest::addColumn<QStringList>("first");
    QTest::addColumn<bool>("header");
    QTest::addColumn<int>("timestampCol");
    QTest::addColumn<int>("emailCol");
    QTest::addColumn<int>("uuidCol");
    QTest::addColumn<int>("studentIdCol");
    QTest::newRow("tracktally-header")
        << QStringList{u"timestamp"_qs, u"studentId"_qs, u"studentName"_qs, u"level"_qs, u"category"_qs, u"location"_qs,
                       u"actionTaken"_qs, u"note"_qs, u"teacherEmail"_qs, u"classCode"_qs, u"device"_qs, u"uuid"_qs}
        << true << 0 << 8 << 11 << 1;
    QTest::newRow("title-case-spaces")
        << QStringList{u"Timestamp"_qs, u"Student ID"_qs, u"Student Name"_qs, u"Level"_qs, u"Category"_qs, u"Location"_qs,
                       u"Action Taken"_qs, u"Note"_qs, u"Teacher Email"_qs, u"Class Code"_qs, u"Device"_qs, u"UUID"_qs}
        << true << 0 << 8 << 11 << 1;
    QTest::newRow("reordered-with-extras")
        << QStringList{u"UUID"_qs, u"Followed up?"_qs, u"teacher_email"_qs, u"Date"_qs, u"Student"_qs, u"student-id"_qs}
        << true << 3 << 2 << 0 << 5;
    QTest::newRow("no-header-iso")
        << QStringList{u"2025-11-03T01:23:45.678Z"_qs, u"3430"_qs, u"Mia Tan"_qs, u"Minor"_qs}
        << false << 0 << 8 << 11 << 1;
    QTest::newRow("no-header-locale-date")
        << QStringList{u"3/11/2025 12:23:45"_qs, u"3430"_qs, u"Mia Tan"_qs, u"Minor"_qs}
        << false << 0 << 8 << 11 << 1;
    QTest::newRow("unrelated-header")
        << QStringList{u"Product"_qs, u"Price"_qs, u"Quantity"_qs}
        << false << 0 << 8 << 11 << 1;
}

void tst_ColumnMapping::detect()
{
    QFETCH(QStringList, first);
    QFETCH(bool, header);
    QFETCH(int, timestampCol);
    QFETCH(int, emailCol);
    QFETCH(int, uuidCol);
    QFETCH(int, studentIdCol);
    const ColumnMapping m = ColumnMapping::detect(rowOf(first));
    QCOMPARE(m.hasHeader(), header);
    QCOMPARE(m.column(Field::Timestamp), timestampCol);
    QCOMPARE(m.column(Field::TeacherEmail), emailCol);
    QCOMPARE(m.column(Field::Uuid), uuidCol);
    QCOMPARE(m.column(Field::StudentId), studentIdCol);
}

void tst_ColumnMapping::problems()
{
    ColumnMapping m = ColumnMapping::positional();
    QVERIFY(m.problems().isEmpty());
    m.setColumn(Field::Note, 8); // same column as the teacher email
    QCOMPARE(m.problems().size(), 1);
    QVERIFY(m.problems().first().contains(u"Column I"_qs));
    m.setColumn(Field::Note, 7);
    m.setColumn(Field::Timestamp, -1);
    QCOMPARE(m.problems().size(), 1);
    QVERIFY(m.problems().first().contains(u"Timestamp"_qs));
}

void tst_ColumnMapping::json()
{
    ColumnMapping m = ColumnMapping::detect(rowOf({u"uuid"_qs, u"Timestamp"_qs, u"Student"_qs, u"Email"_qs}));
    m.setColumn(Field::Note, 7);
    const ColumnMapping back = ColumnMapping::fromJson(m.toJson());
    QCOMPARE(back, m);
}

void tst_ColumnMapping::letters()
{
    QCOMPARE(columnLetter(0), u"A"_qs);
    QCOMPARE(columnLetter(11), u"L"_qs);
    QCOMPARE(columnLetter(25), u"Z"_qs);
    QCOMPARE(columnLetter(26), u"AA"_qs);
    QCOMPARE(columnLetter(701), u"ZZ"_qs);
}

QTEST_GUILESS_MAIN(tst_ColumnMapping)
#include "tst_columnmapping.moc"
