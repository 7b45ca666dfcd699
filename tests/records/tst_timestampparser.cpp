#include "records/timestampparser.h"

#include <QDateTime>
#include <QTest>

using namespace tt;

class tst_TimestampParser : public QObject
{
    Q_OBJECT
private slots:
    void iso_data();
    void iso();
    void local_data();
    void local();
    void serial_data();
    void serial();
    void defaultOrder_data();
    void defaultOrder();
};

static qint64 utc(const char *iso)
{
    return QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODateWithMs).toMSecsSinceEpoch();
}

void tst_TimestampParser::iso_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<qint64>("expected");
    QTest::newRow("z-millis") << u"2025-11-03T01:23:45.678Z"_qs << true << utc("2025-11-03T01:23:45.678Z");
    QTest::newRow("z-no-millis") << u"2025-11-03T01:23:45Z"_qs << true << utc("2025-11-03T01:23:45Z");
    QTest::newRow("offset-plus") << u"2025-11-03T12:23:45+11:00"_qs << true << utc("2025-11-03T01:23:45Z");
    QTest::newRow("offset-minus-compact") << u"2025-11-02T20:23:45-0500"_qs << true << utc("2025-11-03T01:23:45Z");
    QTest::newRow("micros-truncated") << u"2025-11-03T01:23:45.678912Z"_qs << true << utc("2025-11-03T01:23:45.678Z");
    QTest::newRow("one-digit-fraction") << u"2025-11-03T01:23:45.5Z"_qs << true << utc("2025-11-03T01:23:45.500Z");
    QTest::newRow("space-separator") << u"2025-11-03 01:23:45Z"_qs << true << utc("2025-11-03T01:23:45Z");
    QTest::newRow("padded") << u"  2025-11-03T01:23:45Z "_qs << true << utc("2025-11-03T01:23:45Z");
    QTest::newRow("leap-day") << u"2024-02-29T00:00:00Z"_qs << true << utc("2024-02-29T00:00:00Z");
    QTest::newRow("no-zone") << u"2025-11-03T01:23:45"_qs << false << qint64(0);
    QTest::newRow("bad-month") << u"2025-13-03T01:23:45Z"_qs << false << qint64(0);
    QTest::newRow("bad-day") << u"2025-02-30T01:23:45Z"_qs << false << qint64(0);
    QTest::newRow("bad-hour") << u"2025-11-03T24:23:45Z"_qs << false << qint64(0);
    QTest::newRow("text") << u"TBC"_qs << false << qint64(0);
    QTest::newRow("trailing-junk") << u"2025-11-03T01:23:45Zx"_qs << false << qint64(0);
    QTest::newRow("empty") << QString() << false << qint64(0);
    // The exported form (24 characters) is read on its own; its near misses go the general way or are refused.
    QTest::newRow("exported-year-end") << u"2025-12-31T23:59:59.999Z"_qs << true << utc("2025-12-31T23:59:59.999Z");
    QTest::newRow("exported-epoch") << u"1970-01-01T00:00:00.000Z"_qs << true << qint64(0);
    QTest::newRow("exported-bad-day") << u"2025-02-30T01:23:45.678Z"_qs << false << qint64(0);
    QTest::newRow("exported-bad-minute") << u"2025-11-03T01:60:45.678Z"_qs << false << qint64(0);
    QTest::newRow("exported-letter") << u"2025-11-03T01:2a:45.678Z"_qs << false << qint64(0);
    QTest::newRow("exported-fullwidth-digit") << u"2025-11-03T01:23:45.67\uff18Z"_qs << false << qint64(0);
    QTest::newRow("lower-t-and-z") << u"2025-11-03t01:23:45.678z"_qs << true << utc("2025-11-03T01:23:45.678Z");
    QTest::newRow("comma-fraction") << u"2025-11-03T01:23:45,678Z"_qs << true << utc("2025-11-03T01:23:45.678Z");
    QTest::newRow("space-24") << u"2025-11-03 01:23:45.678Z"_qs << true << utc("2025-11-03T01:23:45.678Z");
}

void tst_TimestampParser::iso()
{
    QFETCH(QString, text);
    QFETCH(bool, ok);
    QFETCH(qint64, expected);
    const auto r = TimestampParser::parseIsoUtc(text);
    QCOMPARE(r.has_value(), ok);
    if (ok)
        QCOMPARE(*r, expected);
}

void tst_TimestampParser::local_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("zone");
    QTest::addColumn<int>("order");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<qint64>("expected");
    const int dmy = int(DateOrder::DayFirst), mdy = int(DateOrder::MonthFirst);
    const QString mel = u"Australia/Melbourne"_qs;
    // 3 November 2025 in Melbourne is daylight saving time (UTC+11).
    QTest::newRow("dmy-dst") << u"3/11/2025 12:23:45"_qs << mel << dmy << true << utc("2025-11-03T01:23:45Z");
    // 3 June 2025 is standard time (UTC+10).
    QTest::newRow("dmy-standard") << u"3/6/2025 9:15:02"_qs << mel << dmy << true << utc("2025-06-02T23:15:02Z");
    QTest::newRow("mdy") << u"11/3/2025 12:23:45"_qs << mel << mdy << true << utc("2025-11-03T01:23:45Z");
    QTest::newRow("no-seconds") << u"3/11/2025 12:23"_qs << mel << dmy << true << utc("2025-11-03T01:23:00Z");
    QTest::newRow("date-only") << u"3/11/2025"_qs << mel << dmy << true << utc("2025-11-02T13:00:00Z");
    QTest::newRow("pm") << u"3/11/2025 1:05:00 PM"_qs << mel << dmy << true << utc("2025-11-03T02:05:00Z");
    QTest::newRow("12am") << u"3/11/2025 12:05:00 am"_qs << mel << dmy << true << utc("2025-11-02T13:05:00Z");
    QTest::newRow("dashes") << u"03-11-2025 12:23:45"_qs << mel << dmy << true << utc("2025-11-03T01:23:45Z");
    QTest::newRow("dots-2digit-year") << u"3.11.25 12:23:45"_qs << mel << dmy << true << utc("2025-11-03T01:23:45Z");
    QTest::newRow("year-first") << u"2025-11-03 12:23:45"_qs << mel << mdy << true << utc("2025-11-03T01:23:45Z");
    QTest::newRow("london-bst") << u"1/7/2025 10:00:00"_qs << u"Europe/London"_qs << dmy << true << utc("2025-07-01T09:00:00Z");
    QTest::newRow("new-york-est") << u"12/1/2025 10:00:00"_qs << u"America/New_York"_qs << mdy << true << utc("2025-12-01T15:00:00Z");
    // Melbourne springs forward at 2:00 on 5 October 2025: 2:30 does not exist and moves on to 3:30 (UTC+11).
    QTest::newRow("spring-gap") << u"5/10/2025 2:30:00"_qs << mel << dmy << true << utc("2025-10-04T16:30:00Z");
    QTest::newRow("after-gap") << u"5/10/2025 3:30:00"_qs << mel << dmy << true << utc("2025-10-04T16:30:00Z");
    QTest::newRow("not-a-day-dmy") << u"31/2/2025 10:00"_qs << mel << dmy << false << qint64(0);
    QTest::newRow("month-13-mdy") << u"13/3/2025 10:00"_qs << mel << mdy << false << qint64(0);
    QTest::newRow("bad-time") << u"3/11/2025 25:00"_qs << mel << dmy << false << qint64(0);
}

void tst_TimestampParser::local()
{
    QFETCH(QString, text);
    QFETCH(QString, zone);
    QFETCH(int, order);
    QFETCH(bool, ok);
    QFETCH(qint64, expected);
    TimestampParser parser{QTimeZone(zone.toUtf8())};
    std::optional<qint64> r;
    if (auto parts = TimestampParser::parseLocal(text))
        r = parser.resolveLocal(*parts, DateOrder(order));
    QCOMPARE(r.has_value(), ok);
    if (ok)
        QCOMPARE(*r, expected);
    // The same local time twice gives the same answer (the hour cache must not change it).
    if (ok)
        QCOMPARE(*parser.resolveLocal(*TimestampParser::parseLocal(text), DateOrder(order)), expected);
}

void tst_TimestampParser::serial_data()
{
    QTest::addColumn<double>("serial");
    QTest::addColumn<QString>("zone");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<qint64>("expected");
    // 45964 is 2025-11-03; the fraction is 12:23:45 local time
    QTest::newRow("melbourne-dst") << 45964.0 + (12 * 3600 + 23 * 60 + 45) / 86400.0 << u"Australia/Melbourne"_qs << true
                                   << utc("2025-11-03T01:23:45Z");
    QTest::newRow("utc-midnight") << 45658.0 << u"UTC"_qs << true << utc("2025-01-01T00:00:00Z");
    QTest::newRow("too-small") << 42.0 << u"UTC"_qs << false << qint64(0);
    QTest::newRow("nan") << std::nan("") << u"UTC"_qs << false << qint64(0);
}

void tst_TimestampParser::serial()
{
    QFETCH(double, serial);
    QFETCH(QString, zone);
    QFETCH(bool, ok);
    QFETCH(qint64, expected);
    TimestampParser parser{QTimeZone(zone.toUtf8())};
    const auto r = parser.fromSerial(serial);
    QCOMPARE(r.has_value(), ok);
    if (ok)
        QCOMPARE(*r, expected);
}

void tst_TimestampParser::defaultOrder_data()
{
    QTest::addColumn<QString>("zone");
    QTest::addColumn<int>("order");
    QTest::newRow("melbourne") << u"Australia/Melbourne"_qs << int(DateOrder::DayFirst);
    QTest::newRow("auckland") << u"Pacific/Auckland"_qs << int(DateOrder::DayFirst);
    QTest::newRow("london") << u"Europe/London"_qs << int(DateOrder::DayFirst);
    QTest::newRow("new-york") << u"America/New_York"_qs << int(DateOrder::MonthFirst);
    QTest::newRow("los-angeles") << u"America/Los_Angeles"_qs << int(DateOrder::MonthFirst);
    QTest::newRow("sao-paulo") << u"America/Sao_Paulo"_qs << int(DateOrder::DayFirst);
}

void tst_TimestampParser::defaultOrder()
{
    QFETCH(QString, zone);
    QFETCH(int, order);
    QCOMPARE(int(defaultDateOrderForZone(zone)), order);
}

QTEST_GUILESS_MAIN(tst_TimestampParser)
#include "tst_timestampparser.moc"
