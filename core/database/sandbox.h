#pragma once
// A private PostgreSQL cluster for rehearsal and tests: initdb + pg_ctl in a folder, Unix socket only
// (listen_addresses=''), trust auth for the superuser "tracktally", database "tracktally_sandbox" with
// TrackTally's schema (resources/schema/tracktally.sql). State lives in DIR/sandbox.json.
// As root the server runs as the "postgres" system user (runuser); when DIR is not reachable by it,
// the data lives in a fresh /tmp folder owned by postgres (recorded in sandbox.json).
#include <QString>

namespace tt {

struct SandboxOptions
{
    bool logStatements = false; // log_statement=all into the server log (tests read it)
    QString schemaFile;         // empty = the project's copy of TrackTally's schema
};

class Sandbox
{
public:
    // Creates, starts and loads the schema in DIR/pg. Throws tt::DatabaseError (e.g. already running in DIR, or
    // DIR/pg exists and was not made by a sandbox: it is never deleted).
    static Sandbox start(const QString &dir, const SandboxOptions &options = {});
    // Reads DIR/sandbox.json of a running sandbox. Throws tt::DatabaseError when there is none.
    static Sandbox open(const QString &dir);

    // Stops the server and removes its data, socket folder and sandbox.json. Touches only folders the sandbox
    // made (they hold its marker file, .tracktally-sandbox); throws tt::DatabaseError naming any other folder
    // sandbox.json lists, deleting nothing.
    void stop();
    // For fault tests: stop the server ("immediate" = like a crash) or start it again on the same data.
    void stopServer(bool immediate);
    void startServer();

    QString url() const;          // postgresql://tracktally@/tracktally_sandbox?host=SOCKET&port=PORT
    QString urlFor(const QString &database) const;
    QString dir() const { return m_dir; }
    QString dataDir() const { return m_dataDir; }
    QString socketDir() const { return m_socketDir; }
    QString logFile() const { return m_logFile; }
    QString binDir() const { return m_binDir; }
    int port() const { return m_port; }

    // The newest /usr/lib/postgresql/*/bin (or the folder of pg_ctl on PATH); empty if none.
    static QString findPostgresBinDir();
    static QString defaultSchemaFile();

private:
    void save() const;
    QString makeDataParent() const; // DIR/pg, marked
    QString runServerTool(const QString &tool, const QStringList &args, int timeoutMs = 120000) const;

    QString m_dir;
    QString m_dataDir;
    QString m_socketDir;
    QString m_tmpRoot; // a /tmp folder we created for the data (root case), removed on stop
    QString m_logFile;
    QString m_binDir;
    QString m_runAs;   // "postgres" when started as root, else empty
    bool m_logStatements = false;
    int m_port = 5432;
    QString m_token; // in the marker file of every folder this sandbox made
};

} // namespace tt
