#include "applyrecord.h"

#include "project/project.h"
#include "roster/rosterdecisions.h"
#include "session/readiness.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QSet>

namespace tt {

using namespace Qt::StringLiterals;

namespace {
constexpr const char *Section = "applied";

QString osUser()
{
    for (const char *var : {"USER", "LOGNAME", "USERNAME"})
        if (const QString v = qEnvironmentVariable(var); !v.isEmpty())
            return v;
    return u"unknown"_s;
}

nlohmann::json toNlohmann(const QJsonObject &o)
{
    return nlohmann::json::parse(QJsonDocument(o).toJson(QJsonDocument::Compact).toStdString());
}

QJsonObject fromNlohmann(const nlohmann::json &j)
{
    return QJsonDocument::fromJson(QByteArray::fromStdString(j.dump())).object();
}

// Roster rows the administrator decided by hand: every decided row not named by an accepted suggestion.
qint64 decidedByHand(const RosterDecisions &d, const QJsonArray &accepted)
{
    QSet<QString> named;
    for (const QJsonValue &v : accepted)
        for (const QString &part : v.toObject().value(u"subject"_s).toString().split(u'/'))
            named.insert(part.trimmed().toCaseFolded());
    qint64 n = 0;
    for (auto it = d.teachers().cbegin(); it != d.teachers().cend(); ++it)
        n += named.contains(it.key().toCaseFolded()) ? 0 : 1;
    for (auto it = d.classrooms().cbegin(); it != d.classrooms().cend(); ++it)
        n += named.contains(it.key().toCaseFolded()) ? 0 : 1;
    for (auto it = d.students().cbegin(); it != d.students().cend(); ++it)
        n += named.contains(it.key().toCaseFolded()) ? 0 : 1;
    return n;
}
} // namespace

QJsonObject ApplyRecord::make(const ApplyResult &result, const ServerIdentity &target, const QString &performedBy,
                              const std::vector<ReadinessItem> &warnings, const Project &project,
                              const RosterDecisions &decisions)
{
    QJsonObject backup{{u"path"_s, result.backup.file}, {u"bytes"_s, result.backup.bytes}, {u"verified"_s, result.backup.verified}};
    try {
        backup.insert(u"sha256"_s, sha256OfFile(result.backup.file));
    } catch (const std::exception &) {
        backup.insert(u"sha256"_s, QJsonValue()); // the file is gone or unreadable: said, not made up
    }
    const QJsonObject inserted{{u"Organization"_s, result.insertedOrganizations}, {u"Teacher"_s, result.insertedTeachers},
                               {u"Classroom"_s, result.insertedClassrooms},       {u"TeacherClass"_s, result.insertedTeacherClasses},
                               {u"Student"_s, result.insertedStudents},           {u"Incident"_s, result.insertedIncidents}};
    QJsonArray acknowledged;
    for (const ReadinessItem &i : warnings)
        if (!i.isBlocking())
            acknowledged.append(QJsonObject{{u"kind"_s, i.kind}, {u"subject"_s, i.subject}, {u"detail"_s, i.detail}});
    const QJsonArray accepted = Readiness::acceptedInEffect(project, decisions);
    const QString port = target.port.isEmpty() ? QString() : u":"_s + target.port;
    return QJsonObject{
        {u"database"_s, target.database},
        {u"server"_s, target.host + port},
        {u"systemIdentifier"_s, target.systemIdentifier},
        {u"serverVersion"_s, target.serverVersion},
        {u"runId"_s, result.runId},
        {u"transactionId"_s, result.transactionId},
        {u"at"_s, QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)},
        {u"performedBy"_s, performedBy.isEmpty() ? osUser() : performedBy},
        {u"backup"_s, backup},
        {u"inserted"_s, inserted},
        {u"questions"_s, QJsonObject{{u"acceptedSuggestions"_s, accepted.size()},
                                     {u"decidedByHand"_s, decidedByHand(decisions, accepted)},
                                     {u"accepted"_s, accepted}}},
        {u"warningsAcknowledged"_s, acknowledged},
        {u"verified"_s, QJsonValue()},
    };
}

void ApplyRecord::add(Project &project, const QJsonObject &entry)
{
    nlohmann::json &s = project.section(Section);
    if (!s.is_array())
        s = nlohmann::json::array();
    s.push_back(toNlohmann(entry));
}

bool ApplyRecord::setVerified(Project &project, const ServerIdentity &target, const VerifyResult &verified)
{
    const nlohmann::json *s = std::as_const(project).section(Section);
    if (!s || !s->is_array())
        return false;
    for (size_t i = s->size(); i-- > 0;) {
        const QJsonObject e = fromNlohmann((*s)[i]);
        if (e.value(u"database"_s).toString() != target.database
            || e.value(u"systemIdentifier"_s).toString() != target.systemIdentifier)
            continue;
        QJsonObject v = verified.toJson();
        v.insert(u"at"_s, QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs));
        project.section(Section)[i]["verified"] = toNlohmann(v);
        return true;
    }
    return false;
}

QJsonArray ApplyRecord::all(const Project &project)
{
    const nlohmann::json *s = project.section(Section);
    if (!s || !s->is_array())
        return {};
    return QJsonDocument::fromJson(QByteArray::fromStdString(s->dump())).array();
}

} // namespace tt
