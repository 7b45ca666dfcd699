#pragma once
// Turns what a sheet holds in its timestamp column into UTC milliseconds.
//  - ISO 8601 text with Z or an offset is an exact instant.
//  - Locale date-times typed into the sheet ("3/11/2025 9:15:02") and spreadsheet serial numbers are wall-clock
//    time in the school's time zone; daylight saving is applied by QTimeZone.
#include <QHash>
#include <QString>
#include <QStringView>
#include <QTimeZone>
#include <optional>

namespace tt {

enum class DateOrder { Auto, DayFirst, MonthFirst };
QString dateOrderKey(DateOrder o);        // "auto", "dmy", "mdy"
DateOrder dateOrderFromKey(const QString &key);
// The order people in that time zone's country write dates: month first in the US and a few others.
DateOrder defaultDateOrderForZone(const QString &ianaZone);

// A date-time written the local way, before day and month are told apart.
struct LocalDateParts
{
    int first = 0;  // the first number of a d/m/y or m/d/y date (or the year for y-m-d)
    int second = 0;
    int year = 0;
    bool yearFirst = false; // 2025-11-03 14:05: unambiguous
    int hour = 0, minute = 0, second_ = 0, msec = 0;
};

class TimestampParser
{
public:
    explicit TimestampParser(const QTimeZone &zone);

    // ISO 8601 with 'T' (or space) and Z / +hh:mm / -hhmm; fractions of a second up to 9 digits.
    // Returns nullopt when the text is not ISO with a zone.
    static std::optional<qint64> parseIsoUtc(QStringView text);
    // "3/11/2025 12:23:45", "03-11-2025 9:15", "3.11.25 1:05:00 PM", "2025-11-03 12:23:45", date only.
    static std::optional<LocalDateParts> parseLocal(QStringView text);
    // Resolve parts with an order; nullopt when the date does not exist in that order.
    std::optional<qint64> resolveLocal(const LocalDateParts &p, DateOrder order) const;
    // A spreadsheet serial (days since 1899-12-30; fraction = time of day) in the school's zone.
    std::optional<qint64> fromSerial(double serial) const;
    // Wall-clock time in the school's zone to UTC ms (DST handled; a time in the spring-forward gap moves on).
    qint64 localToUtc(int y, int mo, int d, int h, int mi, int s, int ms) const;

    const QTimeZone &zone() const { return m_zone; }

private:
    QTimeZone m_zone;
    mutable QHash<qint64, qint64> m_offsetCache; // local hour (days*24+h) -> offset ms
};

// Days since 1970-01-01 of a proleptic Gregorian date (fast, no QDate).
qint64 daysFromCivil(int y, int m, int d);
bool validDate(int y, int m, int d);

} // namespace tt
