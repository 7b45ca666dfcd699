#include "session/envsetupsession.h"

#include "common/errors.h"
#include "import/sheetsimport.h"
#include "roster/rosterproject.h"
#include "session/databasesession.h"
#include "session/recoverysession.h"

#include <QCoreApplication>

namespace tt {
namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("tt::EnvSetupSession", text);
}

} // namespace

EnvSetupSession::EnvSetupSession(RecoverySession *session, DatabaseSession *database, QObject *parent)
    : QObject(parent), m_session(session), m_database(database)
{
}

bool EnvSetupSession::load(const QString &path)
{
    m_config.reset();
    m_error.clear();
    try {
        m_config = EnvConfig::load(path.trimmed());
    } catch (const std::exception &e) {
        m_error = describeError(e);
    }
    for (bool &c : m_confirmed)
        c = true;
    emit changed();
    return m_config.has_value();
}

void EnvSetupSession::clear()
{
    m_config.reset();
    m_error.clear();
    emit changed();
}

QStringList EnvSetupSession::problems() const
{
    return m_config ? m_config->problemMessages() : QStringList();
}

QString EnvSetupSession::partText(Part part) const
{
    if (!m_config)
        return {};
    const EnvConfig &c = *m_config;
    const DotEnv &env = c.dotEnv();
    switch (part) {
    case Domain:
        return c.domain().text.isEmpty() ? QString()
                                         : tr("School domain: %1 (from %2)").arg(c.domain().text, env.where(c.domain().variable));
    case Sheet:
        return c.canReadSheet() ? tr("Sheet %1, read as the service account %2 with the private key of %3 (kept in "
                                     "memory only)")
                                      .arg(c.sheetId().text, c.clientEmail().text, env.where(c.privateKeyVariable().variable))
                                : QString();
    case Accounts: {
        const AccountLists l = c.accountLists();
        if (l.isEmpty())
            return {};
        return tr("Administrators (role admin): %1; TrackTally operators, not school staff: %2")
            .arg(l.adminEmails.isEmpty() ? tr("none") : l.adminEmails.join(u", "_qs),
                 l.superAdminEmails.isEmpty() ? tr("none") : l.superAdminEmails.join(u", "_qs));
    }
    case Target: {
        const EnvConfig::Target t = c.target(EnvConfig::TargetUse::Write);
        return t.ok() ? tr("Target database: %1 from %2 (%3)").arg(env.redacted(t.variable), env.where(t.variable), t.note)
                      : QString();
    }
    case PartCount:
        break;
    }
    return {};
}

void EnvSetupSession::setConfirmed(Part part, bool confirmed)
{
    if (part < 0 || part >= PartCount || m_confirmed[part] == confirmed)
        return;
    m_confirmed[part] = confirmed;
    emit changed();
}

QString EnvSetupSession::domain() const
{
    return isConfirmed(Domain) ? m_config->domain().text : QString();
}

bool EnvSetupSession::applyToProject()
{
    if (!m_config || !m_session->hasProject() || m_session->isBusy())
        return false;
    const EnvConfig &c = *m_config;
    Project &project = m_session->editableProject();
    c.rememberIn(project);
    if (isConfirmed(Accounts))
        setProjectAccountLists(project, c.accountLists());
    m_session->markChanged();
    if (isConfirmed(Target) && m_database)
        m_database->setConnection(c.target(EnvConfig::TargetUse::Write).url); // its password is never saved
    if (!isConfirmed(Sheet))
        return true;
    const ServiceAccountKey key = c.serviceAccountKey(); // memory only, copied into the task
    const QString id = c.sheetId().text, envPath = c.path(), apiBase = m_apiBase;
    return m_session->runTask(tr("Reading the Google Sheet named in TrackTally's .env"),
                              [key, id, envPath, apiBase](Project &p, Progress *progress) {
                                  SheetsApiOptions options;
                                  if (!apiBase.isEmpty())
                                      options.apiBase = apiBase;
                                  const auto outcomes = importFromSheetsApi(p, id, key, envPath, options, progress);
                                  QStringList lines;
                                  for (const ImportOutcome &o : outcomes)
                                      lines << tr("%1: %2 rows read, %3 accepted, %4 quarantined.")
                                                   .arg(o.displayName)
                                                   .arg(o.counts.read)
                                                   .arg(o.counts.accepted)
                                                   .arg(o.counts.quarantined);
                                  return lines.join(u'\n');
                              });
}

} // namespace tt
