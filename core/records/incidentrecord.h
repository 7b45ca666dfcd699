#pragma once
// One validated log (incident or commendation), ready to be linked and written to TrackTally.
#include "field.h"

#include <QString>
#include <QtGlobal>

namespace tt {

struct IncidentRecord
{
    enum Flag : quint16 {
        UuidGenerated = 1 << 0,       // no uuid in the sheet: a v5 UUID of the row content was made
        TimestampLocal = 1 << 1,      // the sheet held a locale date-time, converted from school time
        TimestampSerial = 1 << 2,     // the sheet held a spreadsheet serial date, converted from school time
        StudentIdFromNumber = 1 << 3, // the student id arrived as a number cell
        HasWarnings = 1 << 4,         // see ImportResult::warnings for this row
    };

    QString uuid;           // lower-case canonical 8-4-4-4-12
    qint64 timestampMs = 0; // UTC, milliseconds since the epoch
    RecordType type = RecordType::Incident;
    QString studentId;      // text, never "3430.0"; may be empty
    QString studentName;    // whitespace-normalised
    QString level;
    QString category;
    QString location;
    QString actionTaken;    // optional
    QString note;           // optional, kept verbatim (never evaluated)
    QString teacherEmail;   // trimmed, lower case
    QString classCode;      // optional, trimmed
    QString device;         // optional

    int sourceIndex = -1;   // index into the project's sources
    qint64 sourceRow = 0;   // the row number in that source, as the user sees it
    quint16 flags = 0;

    // Same content (ignoring where it came from and how it was derived): identical duplicates.
    bool sameContent(const IncidentRecord &o) const
    {
        return uuid == o.uuid && timestampMs == o.timestampMs && type == o.type && studentId == o.studentId
            && studentName == o.studentName && level == o.level && category == o.category
            && location == o.location && actionTaken == o.actionTaken && note == o.note
            && teacherEmail == o.teacherEmail && classCode == o.classCode && device == o.device;
    }
    QString value(Field f) const;
};

inline QString IncidentRecord::value(Field f) const
{
    switch (f) {
    case Field::Timestamp: return QString::number(timestampMs);
    case Field::StudentId: return studentId;
    case Field::StudentName: return studentName;
    case Field::Level: return level;
    case Field::Category: return category;
    case Field::Location: return location;
    case Field::ActionTaken: return actionTaken;
    case Field::Note: return note;
    case Field::TeacherEmail: return teacherEmail;
    case Field::ClassCode: return classCode;
    case Field::Device: return device;
    case Field::Uuid: return uuid;
    }
    return {};
}

} // namespace tt
