#include "readinesssession.h"

#include "databasesession.h"
#include "recoverysession.h"
#include "rostersession.h"
#include "roster/rosterbuilder.h"
#include "roster/rosterproject.h"

#include <QCoreApplication>

#include <algorithm>

namespace tt {

using namespace Qt::StringLiterals;

ReadinessSession::ReadinessSession(RecoverySession *session, RosterSession *roster, DatabaseSession *db, QObject *parent)
    : QObject(parent), m_session(session), m_roster(roster), m_db(db)
{
    connect(session, &RecoverySession::projectOpened, this, [this] {
        m_skipConflicting = false;
        refresh();
    });
    connect(session, &RecoverySession::recordsChanged, this, &ReadinessSession::refresh);
    connect(roster, &RosterSession::rosterChanged, this, &ReadinessSession::refresh);
    connect(roster, &RosterSession::rowsEdited, this, &ReadinessSession::refresh);
    connect(db, &DatabaseSession::changed, this, &ReadinessSession::refresh);
}

void ReadinessSession::refresh()
{
    m_items.clear();
    if (m_session->hasProject() && m_roster->isBuilt()) {
        ReadinessInput in;
        in.project = &m_session->project();
        in.roster = &m_roster->roster();
        in.decisions = &m_roster->decisions();
        in.plan = m_db->plan() ? &*m_db->plan() : nullptr;
        in.skipConflicting = m_skipConflicting;
        in.target = m_db->identity() ? &*m_db->identity() : nullptr;
        in.projectPath = m_session->projectPath();
        m_items = Readiness::assess(in);
    }
    emit changed();
}

QString ReadinessSession::reason() const
{
    const int n = blockingCount();
    if (n == 0)
        return {};
    int questions = 0, duplicates = 0, conflicts = 0;
    for (const ReadinessItem &i : m_items) {
        if (!i.isBlocking())
            continue;
        questions += i.kind == u"openQuestion"_s;
        duplicates += i.kind == u"probableDuplicate"_s;
        conflicts += i.kind == u"crossSchoolConflict"_s;
    }
    QStringList parts;
    if (questions)
        parts << QCoreApplication::translate("tt::ReadinessSession", "%Ln open question(s)", nullptr, questions);
    if (duplicates)
        parts << QCoreApplication::translate("tt::ReadinessSession", "%Ln probable duplicate student(s)", nullptr, duplicates);
    if (conflicts)
        parts << QCoreApplication::translate("tt::ReadinessSession", "%Ln row(s) of another school", nullptr, conflicts);
    return QCoreApplication::translate("tt::ReadinessSession",
                                       "Not ready: %1. Answer them (the Plan step lists each one), or accept every "
                                       "suggestion.")
        .arg(parts.join(u", "_s));
}

int ReadinessSession::acceptableCount() const
{
    return int(std::count_if(m_items.begin(), m_items.end(),
                             [](const ReadinessItem &i) { return i.isBlocking() && !i.suggestion.isEmpty(); }));
}

void ReadinessSession::setSkipConflicting(bool skip)
{
    if (skip == m_skipConflicting)
        return;
    m_skipConflicting = skip;
    refresh();
}

bool ReadinessSession::acceptEverySuggestion()
{
    if (!m_session->hasProject() || m_session->isBusy() || !m_roster->isBuilt() || acceptableCount() == 0)
        return false;
    auto records = m_session->accepted();
    auto staff = projectStaffEntries(m_session->project());
    auto entries = projectRosterEntries(m_session->project());
    auto roster = std::make_shared<const Roster>(m_roster->roster());
    const RosterDecisions decisions = m_roster->decisions();
    return m_session->runReadTask(
        QCoreApplication::translate("tt::ReadinessSession", "Accepting every suggestion"),
        [this, records, staff, entries, roster, decisions](const Project &, Progress *progress) {
            auto list = std::make_shared<std::vector<Readiness::Accepted>>();
            auto after = std::make_shared<RosterDecisions>(Readiness::acceptEverySuggestion(
                *roster, decisions,
                [&](const RosterDecisions &d) { return RosterBuilder().build(*records, entries, staff, d, progress); },
                list.get()));
            return std::function<void()>([this, list, after] {
                if (list->empty() || !m_session->hasProject())
                    return;
                Readiness::recordAccepted(m_session->editableProject(), *list, u"wizard"_s);
                m_roster->applyDecisions(*after, QCoreApplication::translate("tt::ReadinessSession",
                                                                             "Accept every suggestion (%Ln)", nullptr,
                                                                             int(list->size())));
                emit suggestionsAccepted(int(list->size()));
            });
        });
}

QJsonObject ReadinessSession::auditMeta() const
{
    QJsonArray warnings;
    for (const ReadinessItem &i : m_items)
        if (!i.isBlocking())
            warnings.append(QJsonObject{{u"kind"_s, i.kind}, {u"subject"_s, i.subject}});
    QJsonObject meta{{u"readinessWarnings"_s, warnings}};
    if (m_session->hasProject())
        meta.insert(u"acceptedSuggestions"_s, Readiness::acceptedInEffect(m_session->project(), m_roster->decisions()));
    return meta;
}

bool ReadinessSession::commit(const QString &confirmDatabase, const QString &backupDir)
{
    refresh();
    if (!isReady())
        return false;
    return m_db->commit(confirmDatabase, backupDir, m_skipConflicting, auditMeta(), m_items);
}

QJsonObject ReadinessSession::planJson() const
{
    return m_db->plan() ? planJsonWithReadiness(*m_db->plan(), m_items) : QJsonObject{};
}

} // namespace tt
