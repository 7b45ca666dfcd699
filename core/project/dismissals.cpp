#include "dismissals.h"

namespace tt {

namespace {
constexpr const char *Section = "quarantineDismissals";

QString key(const QString &sha, const QString &sheet, qint64 row)
{
    return sha + u'|' + sheet + u'|' + QString::number(row);
}
} // namespace

std::vector<QuarantineDismissal> quarantineDismissals(const Project &project)
{
    std::vector<QuarantineDismissal> out;
    const nlohmann::json *s = project.section(Section);
    if (!s || !s->is_array())
        return out;
    for (const nlohmann::json &j : *s) {
        if (!j.is_object())
            continue;
        QuarantineDismissal d;
        d.sourceSha256 = QString::fromStdString(j.value("source", std::string()));
        d.sheet = QString::fromStdString(j.value("sheet", std::string()));
        d.row = j.value("row", qint64(0));
        d.reason = QString::fromStdString(j.value("reason", std::string()));
        d.at = QString::fromStdString(j.value("at", std::string()));
        if (!d.sourceSha256.isEmpty())
            out.push_back(d);
    }
    return out;
}

void setQuarantineDismissals(Project &project, const std::vector<QuarantineDismissal> &dismissals)
{
    nlohmann::json a = nlohmann::json::array();
    for (const QuarantineDismissal &d : dismissals)
        a.push_back({{"source", d.sourceSha256.toStdString()},
                     {"sheet", d.sheet.toStdString()},
                     {"row", d.row},
                     {"reason", d.reason.toStdString()},
                     {"at", d.at.toStdString()}});
    project.section(Section) = a;
}

QString dismissalKey(const Project &project, const QuarantinedRow &row)
{
    if (row.sourceIndex < 0 || size_t(row.sourceIndex) >= project.sources().size())
        return {};
    const SourceInfo &src = project.sources()[size_t(row.sourceIndex)];
    return key(src.sha256, src.sheet, row.row);
}

QString dismissalKey(const QuarantineDismissal &d)
{
    return key(d.sourceSha256, d.sheet, d.row);
}

QHash<QString, QString> dismissalReasons(const Project &project)
{
    QHash<QString, QString> all;
    for (const QuarantineDismissal &d : quarantineDismissals(project))
        all.insert(dismissalKey(d), d.reason);
    QHash<QString, QString> present;
    if (all.isEmpty())
        return present;
    for (const QuarantinedRow &q : project.quarantine()) {
        const QString k = dismissalKey(project, q);
        if (auto it = all.constFind(k); it != all.constEnd())
            present.insert(k, *it);
    }
    return present;
}

qint64 dismissedCount(const Project &project)
{
    const QHash<QString, QString> reasons = dismissalReasons(project);
    if (reasons.isEmpty())
        return 0;
    qint64 n = 0;
    for (const QuarantinedRow &q : project.quarantine())
        n += reasons.contains(dismissalKey(project, q)) ? 1 : 0;
    return n;
}

} // namespace tt
