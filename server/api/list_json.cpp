#include "server/api/list_json.hpp"

#include "server/api/status_json.hpp"

namespace confrere::server::api {

http::Response actor_page_response(Context& ctx, const http::Request& req, const services::ActorPage& page)
{
    rapidjson::StringBuffer buf;
    JsonWriter w(buf);
    auto done = ctx.store.read([&](storage::Repositories& repos) -> Status {
        w.StartArray();
        for (model::ActorRef ref : page.actors) {
            // write_actor writes nothing for an actor that is gone.
            auto written = write_actor(w, repos, ctx, ref);
            if (!written)
                return forward(written);
        }
        w.EndArray();
        return ok();
    });
    if (!done)
        return http::error_response(done.error());
    http::Response response = http::json_response(200, std::string(buf.GetString(), buf.GetSize()));
    add_link_header(response, ctx, req, page.newest, page.oldest);
    return response;
}

http::Response status_page_response(
    Context& ctx, const http::Request& req, const model::Account& viewer, const services::StatusPage& page)
{
    auto body = statuses_json(ctx, viewer, page.statuses, true);
    if (!body)
        return http::error_response(body.error());
    http::Response response = http::json_response(200, std::move(*body));
    add_link_header(response, ctx, req, page.newest, page.oldest);
    return response;
}

} // namespace confrere::server::api
