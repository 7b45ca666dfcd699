#include "common/dotenv.h"

#include "common/errors.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QRegularExpression>

namespace tt {
namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("tt::DotEnv", text);
}

constexpr qint64 kMaxFileBytes = 1 << 20;

bool isKeyChar(QChar c)
{
    return c.isLetterOrNumber() || c == u'_' || c == u'.' || c == u'-';
}

// One pass over the text; `pos` always points at the start of a line.
class Parser
{
public:
    Parser(const QString &text, const QString &file) : m_text(text), m_file(file) {}

    void run(QList<DotEnv::Variable> &vars, QList<DotEnv::Problem> &problems)
    {
        while (m_pos < m_text.size()) {
            const int line = m_line;
            parseLine(line, vars, problems);
        }
    }

private:
    QChar peek() const { return m_pos < m_text.size() ? m_text.at(m_pos) : QChar(); }
    bool atLineEnd() const { return m_pos >= m_text.size() || m_text.at(m_pos) == u'\n'; }
    void skipSpaces()
    {
        while (m_pos < m_text.size() && (m_text.at(m_pos) == u' ' || m_text.at(m_pos) == u'\t'))
            ++m_pos;
    }
    void skipToNextLine()
    {
        while (m_pos < m_text.size() && m_text.at(m_pos) != u'\n')
            ++m_pos;
        if (m_pos < m_text.size()) {
            ++m_pos;
            ++m_line;
        }
    }
    QString restOfLine() const
    {
        const qsizetype end = m_text.indexOf(u'\n', m_pos);
        return m_text.mid(m_pos, end < 0 ? -1 : end - m_pos);
    }
    void problem(QList<DotEnv::Problem> &problems, int line, const QString &message)
    {
        problems.append(DotEnv::Problem{line, tr("%1, line %2: %3").arg(m_file).arg(line).arg(message)});
    }

    void parseLine(int line, QList<DotEnv::Variable> &vars, QList<DotEnv::Problem> &problems)
    {
        skipSpaces();
        const bool blankCrLf = peek() == u'\r' && (m_pos + 1 >= m_text.size() || m_text.at(m_pos + 1) == u'\n');
        if (atLineEnd() || blankCrLf || peek() == u'#') { // a blank line (LF or CRLF) or a comment
            skipToNextLine();
            return;
        }
        if (m_text.mid(m_pos, 7) == u"export " || m_text.mid(m_pos, 7) == u"export\t") {
            m_pos += 7;
            skipSpaces();
        }
        const qsizetype keyStart = m_pos;
        while (m_pos < m_text.size() && isKeyChar(m_text.at(m_pos)))
            ++m_pos;
        const QString key = m_text.mid(keyStart, m_pos - keyStart);
        skipSpaces();
        const bool colonForm = peek() == u':'; // dotenv also accepts "KEY: value"
        if (key.isEmpty() || (peek() != u'=' && !colonForm)) {
            problem(problems, line,
                    key.isEmpty() ? tr("this line is not a variable (expected NAME=value); it was ignored")
                                  : tr("%1 has no '=' (expected %1=value); the line was ignored").arg(key));
            skipToNextLine();
            return;
        }
        ++m_pos; // '=' or ':'
        skipSpaces();
        DotEnv::Variable v;
        v.key = key;
        v.line = line;
        const QChar q = peek();
        if (q == u'"' || q == u'\'' || q == u'`') {
            if (!readQuoted(q, v, problems))
                return;
        } else {
            QString raw = restOfLine();
            // An unquoted value ends at a '#' that starts a comment (dotenv: at any '#').
            const qsizetype hash = raw.indexOf(u'#');
            if (hash >= 0)
                raw.truncate(hash);
            if (raw.endsWith(u'\r'))
                raw.chop(1);
            v.value = raw.trimmed();
            skipToNextLine();
        }
        v.value = expand(v.value, q == u'\'', line, vars, problems, key);
        vars.append(v);
    }

    // Reads a quoted value starting at the opening quote; may span lines (double and back quotes).
    bool readQuoted(QChar q, DotEnv::Variable &v, QList<DotEnv::Problem> &problems)
    {
        const int line = m_line;
        const qsizetype open = m_pos;
        qsizetype i = m_pos + 1;
        QString value;
        int lines = 0;
        bool closed = false;
        while (i < m_text.size()) {
            const QChar c = m_text.at(i);
            if (c == u'\\' && i + 1 < m_text.size() && q != u'\'') {
                const QChar n = m_text.at(i + 1);
                if (n == q || n == u'\\') {
                    value += n;
                    i += 2;
                    continue;
                }
                if (q == u'"') {
                    if (n == u'n') { value += u'\n'; i += 2; continue; }
                    if (n == u'r') { value += u'\r'; i += 2; continue; }
                    if (n == u't') { value += u'\t'; i += 2; continue; }
                }
                value += c; // kept as written (\$ is handled by the expansion)
                ++i;
                continue;
            }
            if (c == q) {
                closed = true;
                ++i;
                break;
            }
            if (c == u'\n') {
                if (q == u'\'') // single quotes do not span lines
                    break;
                ++lines;
                if (value.endsWith(u'\r'))
                    value.chop(1);
            }
            value += c;
            ++i;
        }
        if (!closed) {
            problem(problems, line,
                    tr("the value of %1 opens a %2 quote that is never closed; the line was ignored")
                        .arg(v.key, q == u'"' ? tr("double") : q == u'\'' ? tr("single") : tr("back")));
            m_pos = open;
            skipToNextLine();
            return false;
        }
        m_pos = i;
        m_line += lines;
        // After the closing quote only spaces and a comment may follow.
        skipSpaces();
        if (!atLineEnd() && peek() != u'#' && !(peek() == u'\r' && (m_pos + 1 >= m_text.size() || m_text.at(m_pos + 1) == u'\n')))
            problem(problems, line, tr("text after the closing quote of %1 was ignored").arg(v.key));
        skipToNextLine();
        v.value = value;
        return true;
    }

    QString expand(const QString &value, bool literal, int line, const QList<DotEnv::Variable> &vars,
                   QList<DotEnv::Problem> &problems, const QString &key)
    {
        if (literal || !value.contains(u'$'))
            return value;
        QString out;
        for (qsizetype i = 0; i < value.size(); ++i) {
            const QChar c = value.at(i);
            if (c == u'\\' && i + 1 < value.size() && value.at(i + 1) == u'$') {
                out += u'$';
                ++i;
                continue;
            }
            if (c != u'$' || i + 1 >= value.size()) {
                out += c;
                continue;
            }
            QString name;
            qsizetype j = i + 1;
            if (value.at(j) == u'{') {
                const qsizetype close = value.indexOf(u'}', j);
                if (close < 0) {
                    out += c;
                    continue;
                }
                name = value.mid(j + 1, close - j - 1);
                // ${NAME:-default}
                QString fallback;
                const qsizetype dash = name.indexOf(QStringLiteral(":-"));
                if (dash >= 0) {
                    fallback = name.mid(dash + 2);
                    name.truncate(dash);
                }
                const QString found = lookup(name, vars);
                if (found.isNull() && dash < 0)
                    problem(problems, line, tr("%1 refers to ${%2}, which is not set earlier in the file").arg(key, name));
                out += found.isNull() ? fallback : found;
                i = close;
                continue;
            }
            while (j < value.size() && (value.at(j).isLetterOrNumber() || value.at(j) == u'_'))
                ++j;
            name = value.mid(i + 1, j - i - 1);
            if (name.isEmpty()) {
                out += c;
                continue;
            }
            const QString found = lookup(name, vars);
            if (found.isNull())
                problem(problems, line, tr("%1 refers to $%2, which is not set earlier in the file").arg(key, name));
            out += found;
            i = j - 1;
        }
        return out;
    }

    static QString lookup(const QString &name, const QList<DotEnv::Variable> &vars)
    {
        for (auto it = vars.crbegin(); it != vars.crend(); ++it)
            if (it->key == name)
                return it->value.isNull() ? QStringLiteral("") : it->value;
        const QByteArray env = qgetenv(name.toLocal8Bit().constData());
        if (!env.isNull())
            return QString::fromLocal8Bit(env);
        return QString();
    }

    const QString &m_text;
    QString m_file;
    qsizetype m_pos = 0;
    int m_line = 1;
};

QString redactUrlPasswords(QString text)
{
    static const QRegularExpression url(QStringLiteral(R"((\w[\w+.-]*://[^:/?#@\s]*:)[^@\s]*@)"));
    static const QRegularExpression kv(QStringLiteral(R"(\b(password|sslpassword)\s*=\s*('[^']*'|\S+))"),
                                       QRegularExpression::CaseInsensitiveOption);
    text.replace(url, QStringLiteral("\\1***@"));
    text.replace(kv, QStringLiteral("\\1=***"));
    return text;
}

} // namespace

DotEnv DotEnv::load(const QString &path)
{
    QFile f(path);
    if (!f.exists())
        throw UserError(tr("The file %1 does not exist.").arg(path));
    if (!f.open(QIODevice::ReadOnly))
        throw UserError(tr("Cannot read %1: %2.").arg(path, f.errorString()));
    if (f.size() > kMaxFileBytes)
        throw UserError(tr("%1 is larger than 1 MB; it is not a .env file.").arg(path));
    const QByteArray bytes = f.readAll();
    if (bytes.contains('\0'))
        throw UserError(tr("%1 is not a text file; it is not a .env file.").arg(path));
    DotEnv env = parse(bytes, path);
    env.m_path = QFileInfo(path).absoluteFilePath();
    return env;
}

DotEnv DotEnv::parse(const QByteArray &text, const QString &fileName)
{
    DotEnv env;
    env.m_path = fileName;
    QByteArray bytes = text;
    if (bytes.startsWith("\xEF\xBB\xBF"))
        bytes.remove(0, 3);
    const QString s = QString::fromUtf8(bytes);
    Parser(s, fileName).run(env.m_vars, env.m_problems);
    QHash<QString, int> firstLine;
    for (const Variable &v : std::as_const(env.m_vars)) {
        auto it = firstLine.constFind(v.key);
        if (it == firstLine.constEnd())
            firstLine.insert(v.key, v.line);
        else
            env.m_problems.append(Problem{v.line, tr("%1, line %2: %3 is set again (first on line %4); the "
                                                     "later value is used")
                                                      .arg(fileName)
                                                      .arg(v.line)
                                                      .arg(v.key)
                                                      .arg(it.value())});
    }
    std::stable_sort(env.m_problems.begin(), env.m_problems.end(),
                     [](const Problem &a, const Problem &b) { return a.line < b.line; });
    return env;
}

bool DotEnv::contains(const QString &key) const
{
    return line(key) > 0;
}

QString DotEnv::value(const QString &key) const
{
    for (auto it = m_vars.crbegin(); it != m_vars.crend(); ++it)
        if (it->key == key)
            return it->value;
    return {};
}

int DotEnv::line(const QString &key) const
{
    for (auto it = m_vars.crbegin(); it != m_vars.crend(); ++it)
        if (it->key == key)
            return it->line;
    return 0;
}

QStringList DotEnv::keys() const
{
    QStringList out;
    for (const Variable &v : m_vars)
        if (!out.contains(v.key))
            out.append(v.key);
    return out;
}

QString DotEnv::where(const QString &key) const
{
    const int l = line(key);
    return l > 0 ? tr("%1 (line %2)").arg(key).arg(l) : key;
}

QString DotEnv::redacted(const QString &key) const
{
    const QString v = value(key);
    if (v.isEmpty())
        return v;
    if (isSecretKey(key) || v.contains(QStringLiteral("PRIVATE KEY")))
        return QStringLiteral("***");
    return redactUrlPasswords(v);
}

bool DotEnv::isSecretKey(const QString &key)
{
    const QString k = key.toUpper();
    return k.contains(u"PASSWORD") || k.contains(u"SECRET") || k.contains(u"TOKEN") || k.contains(u"PRIVATE_KEY")
        || k.endsWith(u"API_KEY") || k.endsWith(u"_KEY_JSON");
}

QStringList DotEnv::emailList(const QString &value)
{
    static const QRegularExpression sep(QStringLiteral(R"([,;\s]+)"));
    QStringList out;
    for (const QString &part : value.split(sep, Qt::SkipEmptyParts)) {
        QString e = part.trimmed();
        if (e.size() >= 2 && (e.startsWith(u'"') || e.startsWith(u'\'')) && e.endsWith(e.at(0)))
            e = e.mid(1, e.size() - 2).trimmed();
        e = e.toCaseFolded();
        if (!e.isEmpty() && !out.contains(e))
            out.append(e);
    }
    return out;
}

} // namespace tt
