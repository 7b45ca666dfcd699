#pragma once
// A deployment's .env file, read the way TrackTally (Next.js: dotenv, then dotenv-expand) reads it:
// KEY=value lines, blank lines and # comments, an optional `export ` prefix, values in single, double or back
// quotes (double-quoted values may span lines and turn \n, \r, \t into those characters; single-quoted ones
// are literal), unquoted values trimmed and cut at ` #`, CRLF or LF line ends, and ${NAME} / $NAME expanded
// from the file's earlier variables (not in single quotes; \$ is a literal $).
//
// Unlike dotenv, nothing is skipped silently: a line that is not a variable, a quote never closed, a key
// given twice or a reference to an unknown variable is a Problem naming the file and line. The values
// hold secrets (passwords in URLs, private keys): never print one; describe() and redacted() hide them.
#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace tt {

class DotEnv
{
public:
    struct Variable
    {
        QString key;
        QString value;
        int line = 0; // 1-based line where the assignment starts
    };
    struct Problem
    {
        int line = 0;
        QString message; // names the file, the line and, where known, the variable; never a value
    };

    // Throws UserError when the file cannot be read (missing, unreadable, larger than 1 MB, not text).
    static DotEnv load(const QString &path);
    // fileName is only used in messages.
    static DotEnv parse(const QByteArray &text, const QString &fileName);

    QString path() const { return m_path; }
    bool contains(const QString &key) const;
    // The value (empty when absent). The last assignment of a key wins, as in dotenv.
    QString value(const QString &key) const;
    int line(const QString &key) const; // 0 when absent
    QStringList keys() const;           // in file order, each once
    const QList<Variable> &variables() const { return m_vars; }
    const QList<Problem> &problems() const { return m_problems; }

    // "KEY (line 12)" for messages and evidence.
    QString where(const QString &key) const;
    // A value for people: secrets replaced (passwords in URLs and conninfo, private keys, tokens).
    QString redacted(const QString &key) const;

    // Keys whose whole value is a secret (…PASSWORD…, …SECRET…, …TOKEN…, …PRIVATE_KEY…, …API_KEY).
    static bool isSecretKey(const QString &key);
    // Comma, semicolon or whitespace separated addresses, trimmed and case-folded, empty items dropped.
    static QStringList emailList(const QString &value);

private:
    QString m_path;
    QList<Variable> m_vars;
    QList<Problem> m_problems;
};

} // namespace tt
