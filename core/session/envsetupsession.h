#pragma once
// "Start from TrackTally's .env" on the wizard's first page: reads the deployment's .env (EnvConfig) and
// offers each part for confirmation: the school's domain, the sheet with its service account, the
// administrators and operators, the target database. The page only shows it; when the project is created,
// applyToProject() puts the confirmed parts into the project (the file's path, the account lists), hands the
// target to the Target database step and reads the sheet on the worker. Secrets stay in memory.
#include "session/envconfig.h"

#include <QObject>
#include <QStringList>
#include <optional>

namespace tt {

class DatabaseSession;
class RecoverySession;

class EnvSetupSession : public QObject
{
    Q_OBJECT
public:
    enum Part { Domain, Sheet, Accounts, Target, PartCount };

    EnvSetupSession(RecoverySession *session, DatabaseSession *database, QObject *parent = nullptr);

    // Reads the file (small: on the calling thread). False when it cannot be read at all: see error().
    bool load(const QString &path);
    void clear();
    bool isLoaded() const { return m_config.has_value(); }
    const EnvConfig *config() const { return m_config ? &*m_config : nullptr; }
    QString error() const { return m_error; }
    // Every line or variable of the file that cannot be used, each naming its line.
    QStringList problems() const;

    // What the file gives for a part, for confirmation (secrets redacted); empty when it gives nothing usable.
    QString partText(Part part) const;
    bool hasPart(Part part) const { return !partText(part).isEmpty(); }
    bool isConfirmed(Part part) const { return hasPart(part) && m_confirmed[part]; }
    void setConfirmed(Part part, bool confirmed);
    // The school's domain from ALLOWED_GOOGLE_DOMAIN when that part is confirmed, else empty.
    QString domain() const;

    // The Google Sheets API address (tests: a fake server on 127.0.0.1); empty: Google's.
    void setSheetsApiBase(const QString &url) { m_apiBase = url; }

    // After the project was created: applies the confirmed parts; starts reading the sheet (a task) when that
    // part is confirmed. Returns false when there is no project or no file.
    bool applyToProject();

signals:
    void changed();

private:
    RecoverySession *m_session;
    DatabaseSession *m_database;
    std::optional<EnvConfig> m_config;
    QString m_error;
    bool m_confirmed[PartCount] = {true, true, true, true};
    QString m_apiBase;
};

} // namespace tt
