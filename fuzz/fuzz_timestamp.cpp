// libFuzzer target: the timestamp parser (core/records/timestampparser.cpp): ISO 8601 with a zone, local
// date-times in both day orders, and spreadsheet serials, in a zone with daylight saving.
// Invariants: a parsed local date resolves only to a valid calendar date; ISO results survive a round trip
// through QDateTime; nothing throws.
#include "fuzzcommon.h"

#include "records/timestampparser.h"

#include <QDateTime>

#include <cmath>
#include <cstdint>
#include <cstring>

using namespace tt;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const TimestampParser melbourne(QTimeZone("Australia/Melbourne"));
    static const TimestampParser newYork(QTimeZone("America/New_York"));
    const QString text = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));

    if (const auto iso = TimestampParser::parseIsoUtc(text)) {
        // What the parser accepted is an instant QDateTime can hold and print again.
        const QDateTime dt = QDateTime::fromMSecsSinceEpoch(*iso, QTimeZone::utc());
        if (dt.isValid() && dt.date().year() > 0 && dt.date().year() < 10000) {
            const auto again = TimestampParser::parseIsoUtc(dt.toString(Qt::ISODateWithMs));
            TT_FUZZ_CHECK(again && *again == *iso);
        }
    }
    if (const auto local = TimestampParser::parseLocal(text)) {
        for (const DateOrder order : {DateOrder::DayFirst, DateOrder::MonthFirst, DateOrder::Auto}) {
            for (const TimestampParser *p : {&melbourne, &newYork}) {
                if (const auto ms = p->resolveLocal(*local, order))
                    (void)QDateTime::fromMSecsSinceEpoch(*ms, QTimeZone::utc()).date().year();
            }
        }
    }
    // The text as a number, and the first 8 bytes as a raw double (NaN, infinities, huge values).
    bool ok = false;
    const double number = text.toDouble(&ok);
    if (ok)
        (void)melbourne.fromSerial(number);
    if (size >= sizeof(double)) {
        double raw;
        std::memcpy(&raw, data, sizeof raw);
        (void)melbourne.fromSerial(raw);
        (void)newYork.fromSerial(raw);
    }
    return 0;
}
