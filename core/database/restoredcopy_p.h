#pragma once
// Internal (core/database only): a private sandbox cluster under a folder, holding restored copies of a
// backup. Used by the restore drill and the migration rehearsal. The sandbox is stopped and its data
// removed when this object goes away, whatever happened.
#include "sandbox.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace tt {

class Progress;

class RestoredCopy
{
public:
    // Starts a sandbox in dir/folder; one left there by a run that was killed is stopped first.
    RestoredCopy(const QString &dir, const QString &folder);
    ~RestoredCopy();
    RestoredCopy(const RestoredCopy &) = delete;
    RestoredCopy &operator=(const RestoredCopy &) = delete;

    // CREATE DATABASE name (from template0, UTF8); returns its URL.
    QString createDatabase(const QString &name);
    // Creates these roles (NOLOGIN) where missing, so that GRANTs naming them work in the copy.
    void createRoles(const QStringList &roles);
    // pg_restore --no-owner --no-privileges --exit-on-error --single-transaction into url. Returns
    // pg_restore's error text, empty when the restore succeeded. Throws tt::Cancelled.
    static QString restore(const QString &backupFile, const QString &url, Progress *progress);

    const Sandbox &sandbox() const { return m_sandbox; }

private:
    Sandbox m_sandbox;
};

// The database a drill or a rehearsal was run on, as both write it in their JSON ("database": {name, host, port,
// systemIdentifier, serverVersion}).
QJsonObject identityJson(const QString &name, const QString &host, const QString &port, const QString &systemIdentifier,
                         const QString &serverVersion);

} // namespace tt
