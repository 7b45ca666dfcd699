#include "field.h"

#include <QCoreApplication>

namespace tt {

QString fieldKey(Field f)
{
    static const char *const keys[FieldCount] = {"timestamp", "studentId", "studentName", "level",
                                                 "category",  "location",  "actionTaken", "note",
                                                 "teacherEmail", "classCode", "device",   "uuid"};
    return QString::fromLatin1(keys[int(f)]);
}

QString fieldTitle(Field f)
{
    switch (f) {
    case Field::Timestamp: return QCoreApplication::translate("tt::Field", "Timestamp");
    case Field::StudentId: return QCoreApplication::translate("tt::Field", "Student ID");
    case Field::StudentName: return QCoreApplication::translate("tt::Field", "Student name");
    case Field::Level: return QCoreApplication::translate("tt::Field", "Level");
    case Field::Category: return QCoreApplication::translate("tt::Field", "Category");
    case Field::Location: return QCoreApplication::translate("tt::Field", "Location");
    case Field::ActionTaken: return QCoreApplication::translate("tt::Field", "Action taken");
    case Field::Note: return QCoreApplication::translate("tt::Field", "Note");
    case Field::TeacherEmail: return QCoreApplication::translate("tt::Field", "Teacher email");
    case Field::ClassCode: return QCoreApplication::translate("tt::Field", "Class code");
    case Field::Device: return QCoreApplication::translate("tt::Field", "Device");
    case Field::Uuid: return QCoreApplication::translate("tt::Field", "UUID");
    }
    return {};
}

bool fieldFromKey(const QString &key, Field *out)
{
    for (Field f : allFields()) {
        if (fieldKey(f).compare(key, Qt::CaseInsensitive) == 0) {
            *out = f;
            return true;
        }
    }
    return false;
}

bool isRequiredField(Field f)
{
    return f == Field::Timestamp || f == Field::StudentName || f == Field::TeacherEmail;
}

} // namespace tt
