#include "records/recordvalidator.h"
#include "records/uuidtext.h"

#include <QTest>

using namespace tt;
using namespace Qt::StringLiterals;

namespace {

const QString kUuid = u"0b4e8a51-6a0d-4d33-9b7e-2f6a1c9e3d10"_qs;

QStringList goodRow()
{
    return {u"2025-11-03T01:23:45.678Z"_qs, u"3430"_qs, u"Mia Van der Berg"_qs, u"Minor"_qs, u"Disruption"_qs,
            u"Classroom"_qs, u"Redirect"_qs, u"Calling out, again"_qs, u"jane.smith@school.example"_qs, u"5JT"_qs,
            u"Mozilla/5.0"_qs, kUuid};
}

SheetRow rowOf(const QStringList &cells, qint64 number = 2)
{
    SheetRow r;
    r.number = number;
    for (const QString &c : cells)
        r.cells.push_back(Cell::makeText(c));
    return r;
}

ValidationContext context(DateOrder order = DateOrder::Auto)
{
    ValidationContext ctx;
    ctx.sourceIndex = 0;
    ctx.sourceName = u"incidents.csv"_qs;
    ctx.type = RecordType::Incident;
    ctx.mapping = ColumnMapping::positional();
    ctx.zone = QTimeZone("Australia/Melbourne");
    ctx.order = order;
    ctx.fallbackOrder = DateOrder::DayFirst;
    return ctx;
}

} // namespace

class tst_RecordValidator : public QObject
{
    Q_OBJECT
private slots:
    void row_data();
    void row();
    void numberCells_data();
    void numberCells();
    void generatedUuidIsStable();
    void dateOrderFromColumn_data();
    void dateOrderFromColumn();
    void blankAndRepeatedHeader();
    void internedValuesShared();
    void exactUuidStringIsShared();
    void canonicalUuidBytes_data();
    void canonicalUuidBytes();
};

void tst_RecordValidator::row_data()
{
    QTest::addColumn<int>("column");       // which cell to change (-1: none)
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("quarantinedField"); // empty = accepted
    QTest::addColumn<QString>("reasonContains");
    QTest::addColumn<int>("checkField");   // a field to check on accepted rows
    QTest::addColumn<QString>("expected");
    QTest::addColumn<int>("warnings");

    const int ts = int(Field::Timestamp), sid = int(Field::StudentId), name = int(Field::StudentName),
              email = int(Field::TeacherEmail), uuid = int(Field::Uuid), note = int(Field::Note),
              cls = int(Field::ClassCode), lvl = int(Field::Level), act = int(Field::ActionTaken);
    QTest::newRow("good") << -1 << QString() << QString() << QString() << sid << u"3430"_qs << 0;
    QTest::newRow("upper-email-spaces") << email << u"  Jane.SMITH@School.Example  "_qs << QString() << QString() << email
                                        << u"jane.smith@school.example"_qs << 0;
    QTest::newRow("name-double-spaces") << name << u"  Mia   Van der  Berg "_qs << QString() << QString() << name
                                        << u"Mia Van der Berg"_qs << 0;
    QTest::newRow("uuid-upper-braces") << uuid << u"{0B4E8A51-6A0D-4D33-9B7E-2F6A1C9E3D10}"_qs << QString() << QString()
                                       << uuid << kUuid << 0;
    QTest::newRow("formula-note-kept") << note << u"=HYPERLINK(\"x\")"_qs << QString() << QString() << note
                                       << u"=HYPERLINK(\"x\")"_qs << 0;
    QTest::newRow("minus-note-kept") << note << u"- left early"_qs << QString() << QString() << note << u"- left early"_qs << 0;
    QTest::newRow("multiline-note") << note << u"line one\nline two, \"quoted\""_qs << QString() << QString() << note
                                    << u"line one\nline two, \"quoted\""_qs << 0;
    QTest::newRow("id-text-decimal") << sid << u"3430.0"_qs << QString() << QString() << sid << u"3430"_qs << 0;
    QTest::newRow("id-missing-ok") << sid << QString() << QString() << QString() << sid << QString() << 0;
    QTest::newRow("class-trailing-space") << cls << u"5JT "_qs << QString() << QString() << cls << u"5JT"_qs << 0;
    QTest::newRow("error-in-note") << note << u"#VALUE!"_qs << QString() << QString() << note << QString() << 1;
    QTest::newRow("error-in-action") << act << u"#NAME?"_qs << QString() << QString() << act << QString() << 1;
    QTest::newRow("error-in-id") << sid << u"#REF!"_qs << QString() << QString() << sid << QString() << 1;
    QTest::newRow("empty-level-warns") << lvl << QString() << QString() << QString() << lvl << QString() << 1;
    QTest::newRow("missing-timestamp") << ts << QString() << u"timestamp"_qs << u"timestamp is missing"_qs << -1 << QString() << 0;
    QTest::newRow("tbc-timestamp") << ts << u"TBC"_qs << u"timestamp"_qs << u"incidents.csv row 2: timestamp 'TBC' is not a date"_qs
                                   << -1 << QString() << 0;
    QTest::newRow("error-timestamp") << ts << u"#ERROR!"_qs << u"timestamp"_qs << u"#ERROR!"_qs << -1 << QString() << 0;
    QTest::newRow("impossible-date") << ts << u"31/13/2025 10:00"_qs << u"timestamp"_qs << u"not a real date"_qs << -1 << QString() << 0;
    QTest::newRow("missing-name") << name << u"   "_qs << u"studentName"_qs << u"student name is missing"_qs << -1 << QString() << 0;
    QTest::newRow("error-name") << name << u"#REF!"_qs << u"studentName"_qs << u"spreadsheet error #REF!"_qs << -1 << QString() << 0;
    QTest::newRow("missing-email") << email << QString() << u"teacherEmail"_qs << u"teacher email is missing"_qs << -1 << QString() << 0;
    QTest::newRow("not-an-email") << email << u"Mr Smith"_qs << u"teacherEmail"_qs << u"not an e-mail address"_qs << -1 << QString() << 0;
    // Cells the in-place reading declines (whitespace to fold, NBSP, capitals, non-ASCII): the general way reads them.
    QTest::newRow("name-nbsp-inside") << name << u"Zo\u00eb\u00a0Ng"_qs << QString() << QString() << name << u"Zo\u00eb Ng"_qs << 0;
    QTest::newRow("name-tab-inside") << name << u"Mia\tVan der Berg"_qs << QString() << QString() << name
                                     << u"Mia Van der Berg"_qs << 0;
    QTest::newRow("name-nbsp-around") << name << u"\u00a0Ivy Y\u0131lmaz\u2003"_qs << QString() << QString() << name
                                      << u"Ivy Y\u0131lmaz"_qs << 0;
    QTest::newRow("name-non-ascii-clean") << name << u"Niamh Fern\u00e1ndez"_qs << QString() << QString() << name
                                          << u"Niamh Fern\u00e1ndez"_qs << 0;
    QTest::newRow("name-newline") << name << u"Mia\nVan der Berg"_qs << QString() << QString() << name
                                  << u"Mia Van der Berg"_qs << 0;
    QTest::newRow("email-nbsp-around") << email << u"\u00a0jane.smith@school.example\u00a0"_qs << QString() << QString()
                                       << email << u"jane.smith@school.example"_qs << 0;
    QTest::newRow("email-non-ascii-capital") << email << u"\u00c9mile@School.Example"_qs << QString() << QString() << email
                                             << u"\u00e9mile@school.example"_qs << 0;
    QTest::newRow("email-inner-space") << email << u"jane smith@school.example"_qs << u"teacherEmail"_qs
                                       << u"not an e-mail address"_qs << -1 << QString() << 0;
    QTest::newRow("email-trailing-at") << email << u"jane.smith@ "_qs << u"teacherEmail"_qs << u"not an e-mail address"_qs
                                       << -1 << QString() << 0;
    QTest::newRow("uuid-trailing-space") << uuid << kUuid + u" "_qs << QString() << QString() << uuid << kUuid << 0;
    QTest::newRow("uuid-nbsp-around") << uuid << u"\u00a0"_qs + kUuid + u"\u00a0"_qs << QString() << QString() << uuid
                                      << kUuid << 0;
    QTest::newRow("uuid-upper") << uuid << kUuid.toUpper() << QString() << QString() << uuid << kUuid << 0;
    QTest::newRow("uuid-not-hex") << uuid << u"0b4e8a51-6a0d-4d33-9b7e-2f6a1c9e3d1g"_qs << u"uuid"_qs
                                  << u"is not a valid UUID"_qs << -1 << QString() << 0;
    QTest::newRow("uuid-fullwidth-digit") << uuid << u"0b4e8a51-6a0d-4d33-9b7e-2f6a1c9e3d1\uff10"_qs << u"uuid"_qs
                                          << u"is not a valid UUID"_qs << -1 << QString() << 0;
    QTest::newRow("uuid-dash-misplaced") << uuid << u"0b4e8a516-a0d-4d33-9b7e-2f6a1c9e3d10"_qs << u"uuid"_qs
                                         << u"is not a valid UUID"_qs << -1 << QString() << 0;
    QTest::newRow("uuid-dash-for-digit") << uuid << u"0b4e8a51-6a0d-4d33-9b7e-2f6a1c9e3d1-"_qs << u"uuid"_qs
                                         << u"is not a valid UUID"_qs << -1 << QString() << 0;
    QTest::newRow("uuid-dash-look-alike") << uuid << u"0b4e8a51\u012d6a0d-4d33-9b7e-2f6a1c9e3d10"_qs << u"uuid"_qs
                                          << u"is not a valid UUID"_qs << -1 << QString() << 0;
    QTest::newRow("uuid-digit-look-alike") << uuid << u"0b4e8a51-6a0d-4d33-9b7e-2f6a1c9e3\u0164\u0130"_qs << u"uuid"_qs
                                           << u"is not a valid UUID"_qs << -1 << QString() << 0;
    QTest::newRow("uuid-spaces-only") << uuid << u" \u00a0 "_qs << QString() << QString() << sid << u"3430"_qs << 0;
    QTest::newRow("id-text-spaces") << sid << u" 3430 "_qs << QString() << QString() << sid << u"3430"_qs << 0;
    QTest::newRow("id-text-decimals") << sid << u"3430.00"_qs << QString() << QString() << sid << u"3430"_qs << 0;
    QTest::newRow("id-text-fraction") << sid << u"3430.5"_qs << QString() << QString() << sid << u"3430.5"_qs << 0;
    QTest::newRow("note-nbsp-trailing") << note << u"Calling out\u00a0"_qs << QString() << QString() << note
                                        << u"Calling out"_qs << 0;
    QTest::newRow("note-hash-not-error") << note << u"#1 again"_qs << QString() << QString() << note << u"#1 again"_qs << 0;
    QTest::newRow("note-error-na") << note << u"#N/A"_qs << QString() << QString() << note << QString() << 1;
    QTest::newRow("class-error-lower") << cls << u"#ref!"_qs << QString() << QString() << cls << QString() << 1;
    QTest::newRow("malformed-uuid") << uuid << u"1234-abcd"_qs << u"uuid"_qs << u"uuid '1234-abcd' is not a valid UUID"_qs << -1
                                    << QString() << 0;
}

void tst_RecordValidator::row()
{
    QFETCH(int, column);
    QFETCH(QString, value);
    QFETCH(QString, quarantinedField);
    QFETCH(QString, reasonContains);
    QFETCH(int, checkField);
    QFETCH(QString, expected);
    QFETCH(int, warnings);

    QStringList cells = goodRow();
    if (column >= 0)
        cells[column] = value;
    RecordValidator v(context());
    v.add(rowOf(cells, 2));
    v.finish();
    const RowCounts c = v.counts();
    QCOMPARE(c.read, 1);
    if (quarantinedField.isEmpty()) {
        QCOMPARE(v.records().size(), size_t(1));
        QCOMPARE(c.quarantined, 0);
        QCOMPARE(v.records().front().value(Field(checkField)), expected);
        QCOMPARE(int(v.warnings().size()), warnings);
        QCOMPARE(v.records().front().type, RecordType::Incident);
        QCOMPARE(v.records().front().sourceRow, 2);
    } else {
        QCOMPARE(v.records().size(), size_t(0));
        QCOMPARE(v.quarantine().size(), size_t(1));
        const QuarantinedRow &q = v.quarantine().front();
        QCOMPARE(q.field, quarantinedField);
        QVERIFY2(q.reason.contains(reasonContains), qPrintable(q.reason));
        QVERIFY2(q.reason.startsWith(u"incidents.csv row 2: "_qs), qPrintable(q.reason));
        QCOMPARE(q.cells, cells); // the raw row is kept to be fixed in place
    }
}

void tst_RecordValidator::numberCells_data()
{
    QTest::addColumn<double>("number");
    QTest::addColumn<QString>("literal");
    QTest::addColumn<QString>("expected");
    QTest::addColumn<int>("warnings");
    QTest::newRow("integer") << 3430.0 << u"3430"_qs << u"3430"_qs << 0;
    QTest::newRow("point-zero") << 3430.0 << u"3430.0"_qs << u"3430"_qs << 0;
    QTest::newRow("exponent") << 3430.0 << u"3.43E3"_qs << u"3430"_qs << 0;
    QTest::newRow("lost-zero") << 421.0 << u"421"_qs << u"421"_qs << 0;
    QTest::newRow("fraction") << 3430.5 << u"3430.5"_qs << u"3430.5"_qs << 1;
}

void tst_RecordValidator::numberCells()
{
    QFETCH(double, number);
    QFETCH(QString, literal);
    QFETCH(QString, expected);
    QFETCH(int, warnings);
    SheetRow r = rowOf(goodRow());
    r.cells[size_t(Field::StudentId)] = Cell{Cell::Kind::Number, literal, number};
    // A serial date cell for the timestamp: 2025-11-03 12:23:45 in Melbourne.
    r.cells[size_t(Field::Timestamp)] = Cell{Cell::Kind::DateTime, u"45964.516493"_qs, 45964.0 + (12 * 3600 + 23 * 60 + 45) / 86400.0};
    RecordValidator v(context());
    v.add(r);
    v.finish();
    QCOMPARE(v.records().size(), size_t(1));
    const IncidentRecord &rec = v.records().front();
    QCOMPARE(rec.studentId, expected);
    QVERIFY(rec.flags & IncidentRecord::StudentIdFromNumber);
    QVERIFY(rec.flags & IncidentRecord::TimestampSerial);
    QCOMPARE(rec.timestampMs, QDateTime::fromString(u"2025-11-03T01:23:45Z"_qs, Qt::ISODate).toMSecsSinceEpoch());
    QCOMPARE(int(v.warnings().size()), warnings);
}

void tst_RecordValidator::generatedUuidIsStable()
{
    QStringList cells = goodRow();
    cells[int(Field::Uuid)] = QString();
    auto run = [&cells] {
        RecordValidator v(context());
        v.add(rowOf(cells, 7));
        v.finish();
        return v.records().front();
    };
    const IncidentRecord a = run(), b = run();
    QVERIFY(a.flags & IncidentRecord::UuidGenerated);
    QCOMPARE(a.uuid, b.uuid);
    QVERIFY(RecordValidator::normaliseUuid(a.uuid).has_value());
    QCOMPARE(a.uuid.at(14), QChar(u'5')); // version 5
    cells[int(Field::Note)] = u"another note"_qs;
    QVERIFY(run().uuid != a.uuid);
}

void tst_RecordValidator::dateOrderFromColumn_data()
{
    QTest::addColumn<QStringList>("dates");
    QTest::addColumn<int>("projectOrder");
    QTest::addColumn<int>("expectedOrder");
    QTest::addColumn<int>("quarantined");
    QTest::addColumn<QString>("noteContains");
    const int autoO = int(DateOrder::Auto), dmy = int(DateOrder::DayFirst), mdy = int(DateOrder::MonthFirst);
    QTest::newRow("dmy-evidence") << QStringList{u"3/11/2025 10:00"_qs, u"25/11/2025 10:00"_qs} << autoO << dmy << 0
                                  << u"can only be read that way"_qs;
    QTest::newRow("mdy-evidence") << QStringList{u"3/11/2025 10:00"_qs, u"11/25/2025 10:00"_qs} << autoO << mdy << 0
                                  << u"month/day/year"_qs;
    QTest::newRow("ambiguous-falls-back") << QStringList{u"3/11/2025 10:00"_qs, u"4/11/2025 10:00"_qs} << autoO << dmy << 0
                                          << u"could be day/month or month/day"_qs;
    QTest::newRow("conflict-majority") << QStringList{u"25/11/2025 10:00"_qs, u"26/11/2025 10:00"_qs, u"11/27/2025 10:00"_qs}
                                       << autoO << dmy << 1 << u"disagree"_qs;
    QTest::newRow("project-setting") << QStringList{u"3/11/2025 10:00"_qs, u"11/25/2025 10:00"_qs} << dmy << dmy << 1
                                     << u"project setting"_qs;
}

void tst_RecordValidator::dateOrderFromColumn()
{
    QFETCH(QStringList, dates);
    QFETCH(int, projectOrder);
    QFETCH(int, expectedOrder);
    QFETCH(int, quarantined);
    QFETCH(QString, noteContains);
    RecordValidator v(context(DateOrder(projectOrder)));
    int row = 1;
    for (const QString &d : dates) {
        QStringList cells = goodRow();
        cells[int(Field::Timestamp)] = d;
        cells[int(Field::Uuid)] = QString(); // generated after the date is settled
        cells[int(Field::Note)] = QString::number(row);
        v.add(rowOf(cells, row++));
    }
    v.finish();
    QCOMPARE(int(v.orderUsed()), expectedOrder);
    QCOMPARE(int(v.quarantine().size()), quarantined);
    QCOMPARE(int(v.records().size()) + quarantined, int(dates.size()));
    QVERIFY2(v.notes().join(u' ').contains(noteContains), qPrintable(v.notes().join(u' ')));
    for (const IncidentRecord &r : v.records()) {
        QVERIFY(!r.uuid.isEmpty());
        QVERIFY(r.flags & IncidentRecord::TimestampLocal);
    }
    if (quarantined)
        QVERIFY(v.quarantine().front().reason.contains(u"does not fit"_qs));
}

void tst_RecordValidator::blankAndRepeatedHeader()
{
    ValidationContext ctx = context();
    SheetRow header;
    for (Field f : allFields())
        header.cells.push_back(Cell::makeText(fieldKey(f)));
    ctx.mapping = ColumnMapping::detect(header);
    QVERIFY(ctx.mapping.hasHeader());
    RecordValidator v(ctx);
    v.add(SheetRow{1, header.cells});
    v.add(rowOf(goodRow(), 2));
    v.add(rowOf({u""_qs, u"  "_qs}, 3));
    v.add(SheetRow{4, header.cells}); // a second export pasted below the first
    QStringList other = goodRow();
    other[int(Field::Uuid)] = u"1b4e8a51-6a0d-4d33-9b7e-2f6a1c9e3d10"_qs;
    v.add(rowOf(other, 5));
    v.finish();
    const RowCounts c = v.counts();
    QCOMPARE(c.headerRows, 2);
    QCOMPARE(c.blank, 1);
    QCOMPARE(c.read, 2);
    QCOMPARE(c.accepted, 2);
}

void tst_RecordValidator::canonicalUuidBytes_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QByteArray>("bytes"); // hex; empty: not canonical
    QTest::newRow("canonical") << u"0123abcd-4567-89ef-fedc-ba9876543210"_s << QByteArray("0123abcd456789effedcba9876543210");
    QTest::newRow("all f") << u"ffffffff-ffff-ffff-ffff-ffffffffffff"_s << QByteArray("ffffffffffffffffffffffffffffffff");
    QTest::newRow("upper case") << u"0123ABCD-4567-89ef-fedc-ba9876543210"_s << QByteArray();
    QTest::newRow("braces") << u"{0123abcd-4567-89ef-fedc-ba98765432}"_s << QByteArray();
    QTest::newRow("dash moved") << u"0123abc-d4567-89ef-fedc-ba9876543210"_s << QByteArray();
    QTest::newRow("no dashes") << u"0123abcd456789effedcba98765432100000"_s << QByteArray();
    QTest::newRow("g") << u"0123abcd-4567-89ef-fedc-ba987654321g"_s << QByteArray();
    QTest::newRow("fullwidth digit") << u"0123abcd-4567-89ef-fedc-ba987654321\uFF10"_s << QByteArray();
    QTest::newRow("beyond 0xFF (U+0130)") << u"0123abcd-4567-89ef-fedc-ba987654321\u0130"_s << QByteArray();
    QTest::newRow("short") << u"0123abcd-4567-89ef-fedc-ba987654321"_s << QByteArray();
    QTest::newRow("empty") << QString() << QByteArray();
}

void tst_RecordValidator::canonicalUuidBytes()
{
    QFETCH(QString, text);
    QFETCH(QByteArray, bytes);
    unsigned char out[16] = {};
    const bool ok = tt::canonicalUuidBytes(text, out);
    QCOMPARE(ok, !bytes.isEmpty());
    QCOMPARE(tt::isCanonicalUuid(text), ok);
    if (ok)
        QCOMPARE(QByteArray(reinterpret_cast<const char *>(out), 16).toHex(), bytes);
}

QTEST_GUILESS_MAIN(tst_RecordValidator)
#include "tst_recordvalidator.moc"

// Equal values (read in place or folded first) share one string; distinct ones stay apart, however many there are.
void tst_RecordValidator::internedValuesShared()
{
    RecordValidator v(context());
    constexpr int rows = 5000, distinct = 1500;
    for (int i = 0; i < rows; ++i) {
        QStringList cells = goodRow();
        const int k = i % distinct;
        // long notes (the hash's 32-byte steps), some only differing at the end
        cells[int(Field::Note)] = u"Spoke to the student about the incident in the yard at recess, note "_qs + QString::number(k);
        cells[int(Field::StudentName)] = i % 2 ? u"Mia Van der Berg %1"_qs.arg(k % 50) : u" Mia  Van der Berg %1 "_qs.arg(k % 50);
        cells[int(Field::Uuid)] = QString();
        cells[int(Field::Device)] = QString(k % 7 + 1, QChar(u'x'));
        v.add(rowOf(cells, i + 2));
    }
    v.finish();
    QCOMPARE(int(v.records().size()), rows);
    const auto &recs = v.records();
    for (int i = 0; i < rows; ++i) {
        const int k = i % distinct;
        QCOMPARE(recs[size_t(i)].note, u"Spoke to the student about the incident in the yard at recess, note "_qs + QString::number(k));
        QCOMPARE(recs[size_t(i)].studentName, u"Mia Van der Berg %1"_qs.arg(k % 50));
        QCOMPARE(recs[size_t(i)].device, QString(k % 7 + 1, QChar(u'x')));
        const IncidentRecord &first = recs[size_t(k)];
        QCOMPARE(recs[size_t(i)].note.constData(), first.note.constData());
        QCOMPARE(recs[size_t(i)].studentName.constData(), recs[size_t(k % 50)].studentName.constData());
    }
}

// A uuid cell that is exactly the canonical uuid in a string of exactly its size (a workbook's shared string) is
// kept, not copied: 262,144 uuids would otherwise be held twice while the workbook is read.
void tst_RecordValidator::exactUuidStringIsShared()
{
    SheetRow r = rowOf(goodRow());
    const QString exact = QString::fromLatin1(kUuid.toLatin1());
    QCOMPARE(exact.capacity(), exact.size());
    r.cells[size_t(Field::Uuid)] = Cell::makeText(exact);
    SheetRow padded = rowOf(goodRow(), 3);
    padded.cells[size_t(Field::Uuid)] = Cell::makeText(u" "_qs + kUuid);
    RecordValidator v(context());
    v.add(r);
    v.add(padded);
    v.finish();
    QCOMPARE(v.records().size(), size_t(2));
    QCOMPARE(v.records()[0].uuid.constData(), exact.constData());
    QCOMPARE(v.records()[1].uuid, kUuid);
    QCOMPARE(v.records()[1].uuid.capacity(), v.records()[1].uuid.size()); // a copy of exactly its size
}
