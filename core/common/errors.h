#pragma once
// Errors a school administrator can meet are typed exceptions carrying a message in their words:
// what happened, where (file, row, field) and, where it helps, what to do.
#include <QString>
#include <stdexcept>

namespace tt {

class UserError : public std::runtime_error
{
public:
    explicit UserError(const QString &message)
        : std::runtime_error(message.toStdString()), m_message(message) {}
    const QString &message() const { return m_message; }

private:
    QString m_message;
};

// A source file that cannot be read at all (missing, not a zip, not text, too large, hostile).
class SourceError : public UserError
{
public:
    SourceError(const QString &file, const QString &message) : UserError(message), m_file(file) {}
    const QString &file() const { return m_file; }

private:
    QString m_file;
};

// The project file cannot be read or written.
class ProjectError : public UserError
{
public:
    using UserError::UserError;
};

// Anything the database layer reports to the user (connection, refusal, conflict, outcome unknown).
class DatabaseError : public UserError
{
public:
    using UserError::UserError;
};

} // namespace tt
