#pragma once
// The database password in the OS password store (Secret Service / KWallet / macOS Keychain / Windows
// Credential Manager) through QtKeychain, only when the administrator asks. Never a plain-text fallback:
// without a store the password stays in memory for the session. Every call is asynchronous and answers with
// a signal on the GUI thread; the key is the connection's identity (user@host:port/db), never a password.
#include <QObject>
#include <QString>

namespace tt::ui {

class PasswordStore : public QObject
{
    Q_OBJECT
public:
    enum class Result {
        Ok,       // done (read: the password is there)
        NotFound, // read/forget: nothing stored under that key
        NoStore,  // this computer has no password store available
        Failed,   // the store refused or failed: see the message
    };
    Q_ENUM(Result)

    explicit PasswordStore(QObject *parent = nullptr);

    // The service name the passwords are filed under: "TrackTally Recovery".
    static QString service();
    // The key for a connection text: user@host:port/db with libpq's defaults filled in, never the password.
    // Empty when the text cannot be understood.
    static QString keyFor(const QString &connection);
    // The administrator's sentence for Result::NoStore.
    static QString noStoreMessage();

    void read(const QString &key);
    void write(const QString &key, const QString &password);
    void forget(const QString &key);

signals:
    void readFinished(const QString &key, const QString &password, tt::ui::PasswordStore::Result result,
                      const QString &message);
    void writeFinished(const QString &key, tt::ui::PasswordStore::Result result, const QString &message);
    void forgetFinished(const QString &key, tt::ui::PasswordStore::Result result, const QString &message);
};

} // namespace tt::ui
