#pragma once
// Sets (or unsets, with nullopt) an environment variable for the life of the object, and
// puts back what was there before. For tests only; not thread-safe (setenv is not).

#include <cstdlib>
#include <optional>
#include <string>

namespace tlsaudit::testing {

class scoped_env {
public:
    scoped_env(const char* name, std::optional<std::string> value) : name_(name) {
        if (const char* old = std::getenv(name)) old_ = old;
        if (value) ::setenv(name, value->c_str(), 1);
        else ::unsetenv(name);
    }
    ~scoped_env() {
        if (old_) ::setenv(name_, old_->c_str(), 1);
        else ::unsetenv(name_);
    }
    scoped_env(const scoped_env&) = delete;
    scoped_env& operator=(const scoped_env&) = delete;

private:
    const char* name_;
    std::optional<std::string> old_;
};

}  // namespace tlsaudit::testing
