#include "readiness.h"

#include "database/database.h"
#include "database/recoverywriter.h"
#include "project/dismissals.h"
#include "project/project.h"
#include "roster/namesplitter.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QFileInfo>
#include <QHash>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>
#include <algorithm>
#include <map>

namespace tt {

using namespace Qt::StringLiterals;

namespace {

QString tr(const char *text, const char *disambiguation = nullptr, int n = -1)
{
    return QCoreApplication::translate("tt::Readiness", text, disambiguation, n);
}

// "421" for "0421"; ids that are not all digits are their own key.
QString withoutLeadingZeros(const QString &id)
{
    for (const QChar c : id)
        if (!c.isDigit())
            return id;
    qsizetype i = 0;
    while (i + 1 < id.size() && id.at(i) == u'0')
        ++i;
    return id.mid(i);
}

QStringList subjectParts(const QString &subject)
{
    QStringList parts;
    for (const QString &p : subject.split(u" / "_s, Qt::SkipEmptyParts))
        if (!p.trimmed().isEmpty())
            parts.append(p.trimmed());
    return parts;
}

// The roster rows a subject names, as (step, key): the first kind of row that knows the key.
struct RowRef
{
    QString step;
    QString key;
    bool decided = false;
};

std::vector<RowRef> rowsOf(const Roster &roster, const QString &subject)
{
    std::vector<RowRef> rows;
    for (const QString &part : subjectParts(subject)) {
        if (const StudentDraft *s = roster.student(part))
            rows.push_back({u"students"_s, s->studentId, s->decided});
        else if (const TeacherDraft *t = roster.teacher(part.toCaseFolded()))
            rows.push_back({u"teachers"_s, t->email, t->decided});
        else if (const ClassroomDraft *c = roster.classroom(part))
            rows.push_back({u"classrooms"_s, c->code, c->decided});
    }
    return rows;
}

// The same name, allowing one typo: equal normalised keys, or one letter added, dropped or changed.
bool similarNames(const QString &a, const QString &b)
{
    if (a == b)
        return true;
    if (qAbs(a.size() - b.size()) > 1 || a.size() < 4)
        return false;
    qsizetype i = 0;
    while (i < a.size() && i < b.size() && a.at(i) == b.at(i))
        ++i;
    qsizetype j = 0; // matching characters from the end
    while (j < a.size() - i && j < b.size() - i && a.at(a.size() - 1 - j) == b.at(b.size() - 1 - j))
        ++j;
    return qMax(a.size(), b.size()) - i - j <= 1;
}

QString studentName(const StudentDraft &s)
{
    return (s.firstName + u' ' + s.lastName).simplified();
}

struct DuplicateGroupOfIds
{
    QStringList ids; // sorted
    QString keep;    // the form with the leading zeros (the longest)
};

// Students whose ids are equal without leading zeros and whose names agree: one child counted twice, unless
// a settled roster item (a rule or a decision) names exactly these ids, or the administrator kept one apart.
std::vector<DuplicateGroupOfIds> probableDuplicates(const Roster &roster, const RosterDecisions &decisions)
{
    std::map<QString, std::vector<const StudentDraft *>> byStripped;
    for (const StudentDraft &s : roster.students)
        byStripped[withoutLeadingZeros(s.studentId)].push_back(&s);
    QSet<QString> settled; // "id / id" subjects the evidence or a decision settled
    for (const Conflict &c : roster.conflicts) {
        if (c.needsDecision)
            continue;
        QStringList parts = subjectParts(c.subject);
        parts.sort();
        settled.insert(parts.join(u" / "_s));
    }
    std::vector<DuplicateGroupOfIds> out;
    for (const auto &[stripped, students] : byStripped) {
        if (students.size() < 2)
            continue;
        QString name;
        bool sameName = true;
        for (const StudentDraft *s : students) {
            const QString key = normalisedNameKey(studentName(*s));
            if (key.isEmpty())
                continue;
            if (name.isEmpty())
                name = key;
            else if (!similarNames(key, name))
                sameName = false;
        }
        if (!sameName)
            continue; // two names: the roster's own question (if any) asks about it
        DuplicateGroupOfIds g;
        for (const StudentDraft *s : students) {
            g.ids.append(s->studentId);
            if (s->studentId.size() > g.keep.size() || (s->studentId.size() == g.keep.size() && s->studentId < g.keep))
                g.keep = s->studentId;
        }
        g.ids.sort();
        if (settled.contains(g.ids.join(u" / "_s))
            || std::any_of(g.ids.begin(), g.ids.end(), [&](const QString &id) { return decisions.isKeptApart(id); }))
            continue; // the evidence settled it, or the administrator kept them apart (Separate)
        out.push_back(g);
    }
    return out;
}

void addRosterQuestions(const ReadinessInput &in, const std::vector<DuplicateGroupOfIds> &duplicates,
                        std::vector<ReadinessItem> &items)
{
    QSet<QString> duplicateIds;
    for (const DuplicateGroupOfIds &g : duplicates)
        for (const QString &id : g.ids)
            duplicateIds.insert(id);
    QSet<QString> seen;
    for (const Conflict &c : in.roster->conflicts) {
        if (!c.needsDecision || c.kind == u"teacherName"_s)
            continue; // settled, or an optional task (teachers without a name are a warning below)
        const std::vector<RowRef> rows = rowsOf(*in.roster, c.subject);
        bool allDuplicates = !rows.empty();
        bool answered = !rows.empty();
        for (const RowRef &r : rows) {
            allDuplicates = allDuplicates && r.step == u"students"_s && duplicateIds.contains(r.key);
            answered = answered && r.decided;
        }
        if (allDuplicates || answered || seen.contains(c.kind + u'\n' + c.subject))
            continue;
        seen.insert(c.kind + u'\n' + c.subject);
        ReadinessItem item;
        item.kind = u"openQuestion"_s;
        item.conflictKind = c.kind;
        item.subject = c.subject;
        item.detail = c.detail;
        if (rows.empty()) {
            // about logs no roster row stands for (e.g. a name without a student id): they stay unlinked
            item.severity = ReadinessItem::Severity::Warning;
            item.step = u"links"_s;
            item.row = c.subject;
        } else {
            item.severity = ReadinessItem::Severity::Blocking;
            item.step = rows.front().step;
            item.row = rows.front().key;
            QStringList keys;
            for (const RowRef &r : rows)
                keys.append(r.key);
            item.suggestion = tr("keep the suggestion for %1").arg(keys.join(u", "_s));
        }
        items.push_back(item);
    }
    for (const DuplicateGroupOfIds &g : duplicates) {
        ReadinessItem item;
        item.severity = ReadinessItem::Severity::Blocking;
        item.kind = u"probableDuplicate"_s;
        item.subject = g.ids.join(u" / "_s);
        const StudentDraft *keep = in.roster->student(g.keep);
        item.detail = tr("Student ids %1 differ only by leading zeros and carry the same name (%2): probably one "
                         "child counted %3 times. Merge them into %4, or keep them apart if they are different "
                         "children.")
                          .arg(g.ids.join(u", "_s), keep ? studentName(*keep) : QString())
                          .arg(g.ids.size())
                          .arg(g.keep);
        item.step = u"students"_s;
        item.row = g.keep;
        QStringList others = g.ids;
        others.removeAll(g.keep);
        item.suggestion = tr("merge %1 into %2").arg(others.join(u", "_s), g.keep);
        items.push_back(item);
    }
}

void addPlanConflicts(const ReadinessInput &in, std::vector<ReadinessItem> &items)
{
    if (!in.plan || in.skipConflicting)
        return;
    for (const RowConflict &c : in.plan->conflicts) {
        ReadinessItem item;
        item.severity = ReadinessItem::Severity::Blocking;
        item.kind = u"crossSchoolConflict"_s;
        item.subject = c.table + u' ' + c.key;
        item.detail = tr("%1 \"%2\" already belongs to another school (%3) in this database. Leave the colliding "
                         "rows out on the Commit step, or correct the row.")
                          .arg(c.table, c.key, c.otherDomain.isEmpty() ? c.otherSchool : c.otherSchool + u", "_s + c.otherDomain);
        item.step = u"commit"_s;
        item.row = c.key;
        items.push_back(item);
    }
}

// Columns of TrackTally's schema the target lacks: a warning when the recovery is written without them
// (Organization.lmsProvider in a database built by TrackTally's own migrations), blocking when it must fill one.
void addSchemaGaps(const ReadinessInput &in, std::vector<ReadinessItem> &items)
{
    if (!in.plan)
        return;
    for (const SchemaGap &g : in.plan->schemaGaps) {
        ReadinessItem item;
        item.severity = g.required ? ReadinessItem::Severity::Blocking : ReadinessItem::Severity::Warning;
        item.kind = g.unknown ? u"schemaColumnUnfillable"_s : u"schemaColumnMissing"_s;
        item.subject = g.table + u'.' + g.column;
        item.detail = g.unknown ? tr("The database's table \"%1\" has a column \"%2\" the recovery cannot fill: %3")
                                      .arg(g.table, g.column, g.meaning)
                                : tr("The database's table \"%1\" has no column \"%2\": %3").arg(g.table, g.column, g.meaning);
        item.step = u"database"_s;
        items.push_back(item);
    }
}

void addProjectWarnings(const ReadinessInput &in, std::vector<ReadinessItem> &items)
{
    if (!in.project)
        return;
    const Project &p = *in.project;
    // quarantined rows, per source
    std::map<int, std::pair<qint64, qint64>> perSource; // source -> (rows, first quarantine index)
    const auto &q = p.quarantine();
    const QHash<QString, QString> dismissed = dismissalReasons(p); // dismissed rows ask for nothing more
    for (size_t i = 0; i < q.size(); ++i) {
        if (!dismissed.isEmpty() && dismissed.contains(dismissalKey(p, q[i])))
            continue;
        auto [it, added] = perSource.try_emplace(q[i].sourceIndex, 0, qint64(i));
        ++it->second.first;
    }
    for (const auto &[source, counts] : perSource) {
        const QString name = source >= 0 && source < int(p.sources().size()) ? p.sources()[size_t(source)].displayName()
                                                                            : tr("(unknown source)");
        ReadinessItem item;
        item.kind = u"quarantined"_s;
        item.subject = name;
        item.detail = tr("%Ln row(s) of %1 are quarantined: neither fixed nor dismissed. They will not be written.",
                         nullptr, int(counts.first))
                          .arg(name);
        item.step = u"validate"_s;
        item.row = QString::number(counts.second);
        items.push_back(item);
    }
    // conflicting duplicates left on the default
    QStringList defaults;
    for (const DuplicateGroup &g : p.dedupe().groups)
        if (g.conflicting && !g.chosenByUser)
            defaults.append(g.uuid);
    if (!defaults.isEmpty()) {
        ReadinessItem item;
        item.kind = u"conflictingDuplicate"_s;
        item.subject = defaults.size() == 1 ? defaults.front() : tr("%L1 logs").arg(defaults.size());
        item.detail = tr("%Ln log(s) were saved twice with different content and left on the default (the later "
                         "row). Compare the versions to keep the right one.",
                         nullptr, int(defaults.size()));
        item.step = u"validate"_s;
        item.row = defaults.front();
        items.push_back(item);
    }
}

void addRosterWarnings(const ReadinessInput &in, std::vector<ReadinessItem> &items)
{
    for (const TeacherDraft &t : in.roster->teachers) {
        if (!t.displayName.trimmed().isEmpty())
            continue;
        ReadinessItem item;
        item.kind = u"teacherWithoutName"_s;
        item.subject = t.email;
        item.detail = tr("%1 has no display name; TrackTally will show the e-mail address.").arg(t.email);
        item.step = u"teachers"_s;
        item.row = t.email;
        items.push_back(item);
    }
    const LinkSummary &s = in.roster->summary;
    if (s.total > 0 && (s.student < s.total || s.classroom < s.total)) {
        QStringList reasons;
        for (auto it = in.roster->unlinkedReasons.cbegin(); it != in.roster->unlinkedReasons.cend(); ++it)
            reasons.append(tr("%1 (%L2)").arg(it.key()).arg(it.value()));
        ReadinessItem item;
        item.kind = u"unlinkedLogs"_s;
        item.subject = tr("%L1 logs").arg(s.total);
        item.detail = tr("%L1 of %L2 logs will not link to a student and %L3 not to a classroom%4.")
                          .arg(s.total - s.student)
                          .arg(s.total)
                          .arg(s.total - s.classroom)
                          .arg(reasons.isEmpty() ? QString() : u": "_s + reasons.join(u"; "_s));
        item.step = u"links"_s;
        items.push_back(item);
    }
}

void addTargetWarning(const ReadinessInput &in, std::vector<ReadinessItem> &items)
{
    if (!in.target)
        return;
    const ServerIdentity &t = *in.target;
    QString expected = in.expectedEnvironment;
    if (expected.isEmpty() && !in.projectPath.isEmpty())
        expected = Readiness::environmentOf(QFileInfo(in.projectPath).completeBaseName());
    const QString ofDatabase = Readiness::environmentOf(t.database);
    const QString ofHost = Readiness::environmentOf(t.host);
    QString detail;
    if (!ofDatabase.isEmpty() && !ofHost.isEmpty() && ofDatabase != ofHost)
        detail = tr("The database \"%1\" sounds like %2 but its server %3 like %4: make sure this is the database "
                    "the school's TrackTally uses.")
                     .arg(t.database, ofDatabase, t.host, ofHost);
    else if (const QString target = ofDatabase.isEmpty() ? ofHost : ofDatabase; !expected.isEmpty() && !target.isEmpty()
             && expected != target)
        detail = tr("The project is about %1 but the target \"%2\" on %3 sounds like %4: make sure this is the "
                    "database the school's TrackTally uses.")
                     .arg(expected, t.database, t.host, target);
    if (detail.isEmpty())
        return;
    ReadinessItem item;
    item.kind = u"targetEnvironment"_s;
    item.subject = t.database;
    item.detail = detail;
    item.step = u"database"_s;
    items.push_back(item);
}

} // namespace

QJsonObject ReadinessItem::toJson() const
{
    return QJsonObject{{u"severity"_s, severityName()}, {u"kind"_s, kind}, {u"subject"_s, subject},
                       {u"detail"_s, detail},           {u"step"_s, step}, {u"row"_s, row}};
}

std::vector<ReadinessItem> Readiness::assess(const ReadinessInput &in)
{
    std::vector<ReadinessItem> items;
    if (!in.roster || !in.decisions)
        return items;
    addRosterQuestions(in, probableDuplicates(*in.roster, *in.decisions), items);
    addPlanConflicts(in, items);
    addSchemaGaps(in, items);
    addProjectWarnings(in, items);
    addRosterWarnings(in, items);
    addTargetWarning(in, items);
    std::stable_sort(items.begin(), items.end(),
                     [](const ReadinessItem &a, const ReadinessItem &b) { return a.isBlocking() && !b.isBlocking(); });
    return items;
}

int Readiness::blockingCount(const std::vector<ReadinessItem> &items)
{
    return int(std::count_if(items.begin(), items.end(), [](const ReadinessItem &i) { return i.isBlocking(); }));
}

QJsonArray Readiness::toJson(const std::vector<ReadinessItem> &items)
{
    QJsonArray a;
    for (const ReadinessItem &i : items)
        a.append(i.toJson());
    return a;
}

QStringList Readiness::describe(const std::vector<ReadinessItem> &items, bool blockingOnly)
{
    QStringList lines;
    for (const ReadinessItem &i : items) {
        if (blockingOnly && !i.isBlocking())
            continue;
        lines.append(tr("%1 %2 %3: %4 (step %5%6)")
                         .arg(i.isBlocking() ? u"BLOCKING"_s : u"warning"_s, i.kind, i.subject, i.detail, i.step,
                              i.row.isEmpty() ? QString() : tr(", row %1").arg(i.row)));
    }
    return lines;
}

QString Readiness::environmentOf(const QString &name)
{
    static const QRegularExpression split(u"[^a-z0-9]+"_s);
    static const QHash<QString, QString> words{
        {u"prod"_s, u"production"_s},     {u"production"_s, u"production"_s}, {u"prd"_s, u"production"_s},
        {u"live"_s, u"production"_s},     {u"stage"_s, u"staging"_s},         {u"staging"_s, u"staging"_s},
        {u"stg"_s, u"staging"_s},         {u"preprod"_s, u"staging"_s},       {u"uat"_s, u"staging"_s},
        {u"dev"_s, u"development"_s},     {u"develop"_s, u"development"_s},   {u"development"_s, u"development"_s},
        {u"test"_s, u"test"_s},           {u"testing"_s, u"test"_s},          {u"qa"_s, u"test"_s},
    };
    for (const QString &word : name.toLower().split(split, Qt::SkipEmptyParts))
        if (auto it = words.constFind(word); it != words.constEnd())
            return it.value();
    return {};
}

QJsonObject Readiness::Accepted::toJson() const
{
    return QJsonObject{{u"kind"_s, kind}, {u"subject"_s, subject}, {u"answer"_s, answer}};
}

Readiness::Accepted Readiness::Accepted::fromJson(const QJsonObject &o)
{
    return Accepted{o.value(u"kind"_s).toString(), o.value(u"subject"_s).toString(), o.value(u"answer"_s).toString()};
}

namespace {
void decideRow(const Roster &roster, RosterDecisions &d, const RowRef &row)
{
    if (row.step == u"students"_s) {
        if (const StudentDraft *s = roster.student(row.key)) {
            d.setStudentName(s->studentId, s->firstName, s->lastName);
            d.setStudentClass(s->studentId, s->classCode);
        }
    } else if (row.step == u"teachers"_s) {
        if (const TeacherDraft *t = roster.teacher(row.key)) {
            if (!t->displayName.trimmed().isEmpty())
                d.setTeacherDisplayName(t->email, t->displayName);
            d.setTeacherRole(t->email, t->role);
            d.setTeacherSpecialist(t->email, t->isSpecialist);
        }
    } else if (row.step == u"classrooms"_s) {
        if (const ClassroomDraft *c = roster.classroom(row.key)) {
            d.setClassroomName(c->code, c->name);
            d.setHomeroom(c->code, c->homeroomTeacherEmail);
            d.setClassSpecialists(c->code, c->specialistEmails);
        }
    }
}
} // namespace

RosterDecisions Readiness::acceptSuggestions(const Roster &roster, const RosterDecisions &decisions,
                                             const std::vector<ReadinessItem> &items, std::vector<Accepted> *accepted)
{
    RosterDecisions d = decisions;
    for (const ReadinessItem &item : items) {
        if (!item.isBlocking() || item.suggestion.isEmpty())
            continue;
        if (item.kind == u"probableDuplicate"_s) {
            for (const QString &id : subjectParts(item.subject))
                if (id != item.row)
                    d.mergeStudentId(id, item.row);
        } else if (item.kind == u"openQuestion"_s) {
            for (const RowRef &r : rowsOf(roster, item.subject))
                decideRow(roster, d, r);
        } else {
            continue;
        }
        if (accepted)
            accepted->push_back(Accepted{item.kind, item.subject, item.suggestion});
    }
    return d;
}

RosterDecisions Readiness::acceptEverySuggestion(const Roster &roster, const RosterDecisions &decisions,
                                                 const std::function<Roster(const RosterDecisions &)> &rebuild,
                                                 std::vector<Accepted> *accepted, Roster *finalRoster)
{
    RosterDecisions d = decisions;
    Roster current = roster;
    for (int round = 0; round < 4; ++round) {
        ReadinessInput in;
        in.roster = &current;
        in.decisions = &d;
        const std::vector<ReadinessItem> items = assess(in);
        std::vector<Accepted> now;
        RosterDecisions next = acceptSuggestions(current, d, items, &now);
        if (now.empty() || next == d)
            break;
        d = std::move(next);
        if (accepted)
            accepted->insert(accepted->end(), now.begin(), now.end());
        current = rebuild(d);
    }
    if (finalRoster)
        *finalRoster = std::move(current);
    return d;
}

void Readiness::recordAccepted(Project &project, const std::vector<Accepted> &accepted, const QString &how)
{
    if (accepted.empty())
        return;
    nlohmann::json &section = project.section("readiness");
    if (!section.is_object())
        section = nlohmann::json::object();
    nlohmann::json &list = section["accepted"];
    if (!list.is_array())
        list = nlohmann::json::array();
    const std::string at = QDateTime::currentDateTimeUtc().toString(Qt::ISODate).toStdString();
    for (const Accepted &a : accepted)
        list.push_back({{"kind", a.kind.toStdString()},
                        {"subject", a.subject.toStdString()},
                        {"answer", a.answer.toStdString()},
                        {"how", how.toStdString()},
                        {"at", at}});
}

QJsonArray Readiness::acceptedInEffect(const Project &project, const RosterDecisions &decisions)
{
    QJsonArray out;
    const nlohmann::json *section = project.section("readiness");
    if (!section || !section->is_object() || !section->contains("accepted") || !section->at("accepted").is_array())
        return out;
    for (const nlohmann::json &e : section->at("accepted")) {
        if (!e.is_object())
            continue;
        const QJsonObject o = QJsonDocument::fromJson(QByteArray::fromStdString(e.dump())).object();
        const QString kind = o.value(u"kind"_s).toString();
        const QStringList parts = subjectParts(o.value(u"subject"_s).toString());
        bool inEffect = !parts.isEmpty();
        if (kind == u"probableDuplicate"_s) {
            // merged: every form leads to one id
            for (const QString &id : parts)
                inEffect = inEffect && decisions.mergedStudentId(id) == decisions.mergedStudentId(parts.front());
        } else {
            // answered: each row it named carries a decision
            for (const QString &key : parts)
                inEffect = inEffect && (decisions.student(key) || decisions.teacher(key) || decisions.classroom(key));
        }
        if (inEffect)
            out.append(o);
    }
    return out;
}

QJsonObject planJsonWithReadiness(const RecoveryPlan &plan, const std::vector<ReadinessItem> &items)
{
    QJsonObject o = plan.toJson();
    o.insert(u"readiness"_s, Readiness::toJson(items));
    return o;
}

} // namespace tt
