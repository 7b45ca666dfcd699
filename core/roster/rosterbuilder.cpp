#include "rosterbuilder.h"

#include "common/progress.h"
#include "rosterstages.h"

#include <QCoreApplication>

namespace tt {

using namespace Qt::StringLiterals;

QString RosterBuilder::displayNameFromEmail(const QString &email)
{
    const qsizetype at = email.indexOf(u'@');
    const QString local = (at >= 0 ? email.left(at) : email).trimmed();
    if (local.isEmpty())
        return {};
    QStringList parts;
    QString cur;
    for (const QChar c : local) {
        if (c == u'.' || c == u'_' || c == u'-') {
            parts.append(cur);
            cur.clear();
        } else if (c.isLetter()) {
            cur += c;
        } else {
            return {}; // digits, '+', anything else: not plainly a name
        }
    }
    parts.append(cur);
    if (parts.size() < 2 || parts.size() > 3)
        return {};
    for (QString &p : parts) {
        if (p.size() < 2)
            return {};
        p = p.toLower();
        p[0] = p.at(0).toUpper();
    }
    return parts.join(u' ');
}

// The stages and what each settles are described in rosterstages.h; they run in this order, each over what the
// ones before it left in the state.
Roster RosterBuilder::build(RecordView accepted, const std::vector<RosterEntry> &rosterEntries,
                            const std::vector<StaffEntry> &staff, const RosterDecisions &decisions,
                            Progress *progress) const
{
    const qint64 n = qint64(accepted.size());
    if (progress)
        progress->begin(QCoreApplication::translate("tt::RosterBuilder", "Rebuilding teachers, classrooms and students"),
                        n * 2);
    const stages::BuildInputs in{accepted, rosterEntries, staff, decisions, m_options, progress};
    stages::BuildState st;
    stages::collectEvidence(in, st);
    stages::settleClassCodes(in, st);
    stages::buildTeachers(in, st);
    stages::resolveStudentIds(in, st);
    stages::chooseStudentNames(in, st);
    stages::findNamesakes(in, st);
    stages::linkRecords(in, st);
    stages::inferStudentClasses(in, st);
    stages::buildClassrooms(in, st);
    stages::suggestClassesFromHomerooms(in, st);
    stages::countAndCheck(in, st);
    Roster out = stages::finish(in, st);
    if (progress)
        progress->advance(2 * n);
    return out;
}

} // namespace tt
