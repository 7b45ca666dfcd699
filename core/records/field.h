#pragma once
// TrackTally's twelve sheet columns (A to L), in sheet order.
#include <QString>
#include <array>

namespace tt {

enum class Field : int {
    Timestamp = 0,
    StudentId,
    StudentName,
    Level,
    Category,
    Location,
    ActionTaken,
    Note,
    TeacherEmail,
    ClassCode,
    Device,
    Uuid,
};
constexpr int FieldCount = 12;

inline constexpr std::array<Field, FieldCount> allFields()
{
    return {Field::Timestamp, Field::StudentId,    Field::StudentName, Field::Level,
            Field::Category,  Field::Location,     Field::ActionTaken, Field::Note,
            Field::TeacherEmail, Field::ClassCode, Field::Device,      Field::Uuid};
}

// The key used in files, JSON and the CLI: "timestamp", "studentId", ...
QString fieldKey(Field f);
// The name shown to people: "Timestamp", "Student ID", ...
QString fieldTitle(Field f);
bool fieldFromKey(const QString &key, Field *out);
bool isRequiredField(Field f); // timestamp, studentName, teacherEmail (uuid is generated when missing)

enum class RecordType : quint8 { Incident, Commendation };
inline QString recordTypeKey(RecordType t) { return t == RecordType::Incident ? QStringLiteral("incident") : QStringLiteral("commendation"); }

} // namespace tt
