// Hashtags, search and filters in the domain: which hashtags a post carries, which statuses a
// tag timeline or a search shows (only readable ones: the SQL mirror of can_read is checked
// against can_read itself), and which statuses a filter catches.
#include "core/services/filter_service.hpp"
#include "core/services/hashtags.hpp"
#include "core/services/search_service.hpp"
#include "core/services/social_service.hpp"
#include "tests/support/fixtures.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace confrere::services {
namespace {

using model::Audience;
using testkit::describe;
using Names = std::vector<std::string>;

// --- Extraction ------------------------------------------------------------------------------

TEST(Hashtags, AreFoundLowerCasedOnceEachInOrder)
{
    EXPECT_EQ(extract_hashtags("#Vaccin et #grippe, encore #VACCIN."), (Names { "vaccin", "grippe" }));
}

TEST(Hashtags, KeepAccentsAndOtherScriptsAsTyped)
{
    EXPECT_EQ(extract_hashtags("#Pédiatrie #Σχολή #日本語"), (Names { "pédiatrie", "Σχολή", "日本語" }));
}

TEST(Hashtags, NeedALetterAndNoWordCharacterBefore)
{
    EXPECT_EQ(extract_hashtags("C# #123 #_ a#b x_#y #ok_2"), (Names { "ok_2" }));
}

TEST(Hashtags, InsideUrlsAndMentionsAreNotHashtags)
{
    EXPECT_EQ(extract_hashtags(
                  "https://a.example/page#section voir http://b.example/#/x @bob@soins.example#z #vrai"),
        (Names { "vrai" }));
}

TEST(Hashtags, StopAtPunctuationAndEmoji)
{
    EXPECT_EQ(extract_hashtags("(#soins) #café! #santé😀"), (Names { "soins", "café", "santé" }));
}

TEST(Hashtags, AtMostThirtyPerStatus)
{
    std::string text;
    for (int i = 0; i < 40; ++i)
        text += "#t" + std::string(1, static_cast<char>('a' + i % 26)) + std::to_string(i) + " ";
    EXPECT_EQ(extract_hashtags(text).size(), kMaxHashtagsPerStatus);
}

TEST(Hashtags, TextThatIsNotUtf8HasNone)
{
    EXPECT_TRUE(extract_hashtags("#ok \xff").empty());
}

TEST(Hashtags, FromNoteTagNamesOnlyValidOnesAreKept)
{
    EXPECT_EQ(hashtags_from_names({ "#Soins", "soins", "#", "#a b", "#<script>", "#Éthique", "" }),
        (Names { "soins", "Éthique" }));
}

TEST(Hashtags, UrlIsPercentEncoded)
{
    EXPECT_EQ(hashtag_url("https://x.example", "café"), "https://x.example/tags/caf%C3%A9");
}

TEST(Hashtags, HandlesAreParsed)
{
    auto h = parse_handle("@Bob@Soins.Example");
    ASSERT_TRUE(h);
    EXPECT_EQ(h->username, "Bob");
    EXPECT_EQ(h->host, "soins.example");
    EXPECT_FALSE(parse_handle("two words"));
    EXPECT_FALSE(parse_handle("a@b@c"));
    EXPECT_FALSE(parse_handle("https://x.example/users/a"));
}

// --- Filter matching -------------------------------------------------------------------------

model::Filter filter(std::vector<model::FilterKeyword> keywords,
    model::FilterAction action = model::FilterAction::Warn,
    std::vector<model::FilterContext> contexts = { model::FilterContext::Home })
{
    model::Filter f;
    f.id = 1;
    f.title = "f";
    f.contexts = std::move(contexts);
    f.action = action;
    f.keywords = std::move(keywords);
    return f;
}

TEST(FilterMatching, WholeWordIgnoresCaseButNotWordParts)
{
    model::FilterKeyword cat { 1, 1, "Cat", true };
    EXPECT_TRUE(keyword_matches("a CAT here", cat));
    EXPECT_TRUE(keyword_matches("cat.", cat));
    EXPECT_FALSE(keyword_matches("category", cat));
    EXPECT_FALSE(keyword_matches("bobcat", cat));
}

TEST(FilterMatching, SubstringMatchesInsideWords)
{
    EXPECT_TRUE(keyword_matches("category", model::FilterKeyword { 1, 1, "cat", false }));
}

TEST(FilterMatching, LatinOneCapitalsFold)
{
    EXPECT_TRUE(keyword_matches("ÉTHIQUE médicale", model::FilterKeyword { 1, 1, "éthique", true }));
    EXPECT_FALSE(keyword_matches("éthiques", model::FilterKeyword { 1, 1, "éthique", true }));
}

TEST(FilterMatching, KeywordStartingWithPunctuationNeedsNoBoundaryBeforeIt)
{
    EXPECT_TRUE(keyword_matches("a #spoiler!", model::FilterKeyword { 1, 1, "#spoiler", true }));
}

TEST(FilterMatching, OnlyActiveFiltersOfTheContextMatch)
{
    const TimePoint now = testkit::kStartTime;
    auto f = filter({ { 1, 1, "grève", true } });
    EXPECT_EQ(match_filters({ f }, model::FilterContext::Home, "Grève demain", now).size(), 1u);
    EXPECT_TRUE(match_filters({ f }, model::FilterContext::Public, "Grève demain", now).empty());
    f.expires_at = now;
    EXPECT_TRUE(match_filters({ f }, model::FilterContext::Home, "Grève demain", now).empty()) << "expired";
    f.expires_at = now + std::chrono::seconds(1);
    auto matches = match_filters({ f }, model::FilterContext::Home, "Grève demain", now);
    ASSERT_EQ(matches.size(), 1u);
    EXPECT_EQ(matches[0].keyword_matches, (Names { "grève" }));
    EXPECT_FALSE(hides(matches));
    EXPECT_TRUE(hides(match_filters({ filter({ { 1, 1, "grève", true } }, model::FilterAction::Hide) },
        model::FilterContext::Home, "grève", now)));
}

// --- Services against a real store -------------------------------------------------------------

class SearchServiceTest : public testkit::ServicesTest {
protected:
    void SetUp() override
    {
        ServicesTest::SetUp();
        social_ = std::make_unique<SocialService>(fx().store(), fx().clock(), fx().ids(), outbox_,
            "https://officine.example",
            [](std::string_view text) { return "<p>" + std::string(text) + "</p>"; });
        search_ = std::make_unique<SearchService>(fx().store(), "officine.example");
        filters_ = std::make_unique<FilterService>(fx().store(), fx().clock(), fx().ids());
        for (auto [person, account] :
            { std::pair { &testkit::pharmacist_alice(), &alice_ }, std::pair { &testkit::nurse_bob(), &bob_ },
                std::pair { &testkit::podiatrist_carol(), &carol_ } }) {
            auto a = fx().add_member(*person);
            ASSERT_TRUE(a) << describe(a);
            *account = *a;
        }
    }

    model::Status post(const model::Account& author, std::string text, Audience audience = Audience::Instance,
        std::vector<model::ActorRef> mentions = {})
    {
        PostRequest request;
        request.text = std::move(text);
        request.audience = audience;
        request.mentions = std::move(mentions);
        auto s = social_->post(author, std::move(request));
        EXPECT_TRUE(s) << describe(s);
        return s ? *s : model::Status {};
    }

    std::vector<Id> tag_timeline(const model::Account& reader, Names any, Names all = {}, Names none = {})
    {
        storage::TagTimelineQuery q;
        q.any = std::move(any);
        q.all = std::move(all);
        q.none = std::move(none);
        auto list = search_->tag_timeline(reader, q);
        EXPECT_TRUE(list) << describe(list);
        std::vector<Id> ids;
        for (const auto& s : list ? *list : std::vector<model::Status> {})
            ids.push_back(s.id);
        return ids;
    }

    Result<SearchResults> search(
        const model::Account& reader, std::string q, SearchType type = SearchType::All)
    {
        SearchRequest r;
        r.q = std::move(q);
        r.type = type;
        return search_->search(reader, r);
    }

    NullOutbox outbox_;
    std::unique_ptr<SocialService> social_;
    std::unique_ptr<SearchService> search_;
    std::unique_ptr<FilterService> filters_;
    model::Account alice_, bob_, carol_;
};

TEST_F(SearchServiceTest, PostingStoresTheHashtagsAndEditingReplacesThem)
{
    auto s = post(alice_, "Campagne #Vaccin #grippe");
    auto tags = [&] {
        Names names;
        auto done = fx().store().read([&](storage::Repositories& repos) -> Status {
            auto found = repos.tags().for_status(s.id);
            if (found)
                names = *found;
            return found ? ok() : forward(found);
        });
        EXPECT_TRUE(done) << describe(done);
        return names;
    };
    EXPECT_EQ(tags(), (Names { "vaccin", "grippe" }));
    PostRequest change;
    change.text = "Campagne #covid";
    ASSERT_TRUE(social_->edit(alice_, s.id, change));
    EXPECT_EQ(tags(), (Names { "covid" }));
    EXPECT_TRUE(tag_timeline(bob_, { "grippe" }).empty());
    EXPECT_EQ(tag_timeline(bob_, { "COVID" }), (std::vector<Id> { s.id }));
}

TEST_F(SearchServiceTest, TagTimelineShowsOnlyWhatTheReaderMayRead)
{
    auto open = post(alice_, "#garde ce soir");
    auto restricted = post(carol_, "#garde pour mes abonnés", Audience::Followers);
    auto direct = post(carol_, "#garde @bob", Audience::Direct, { model::local_actor(bob_.id) });
    EXPECT_EQ(tag_timeline(alice_, { "garde" }), (std::vector<Id> { open.id }))
        << "a followers-only post of someone alice does not follow, a DM to bob: absent";
    EXPECT_EQ(tag_timeline(bob_, { "garde" }), (std::vector<Id> { direct.id, open.id }));
    ASSERT_TRUE(social_->follow(alice_, model::local_actor(carol_.id)));
    EXPECT_EQ(tag_timeline(alice_, { "garde" }), (std::vector<Id> { restricted.id, open.id }));
    ASSERT_TRUE(social_->remove(alice_, open.id));
    EXPECT_EQ(tag_timeline(alice_, { "garde" }), (std::vector<Id> { restricted.id })) << "deleted: gone";
}

TEST_F(SearchServiceTest, TagTimelineCombinesAnyAllAndNone)
{
    auto a = post(alice_, "#un #deux");
    auto b = post(alice_, "#un #trois");
    auto c = post(alice_, "#quatre");
    EXPECT_EQ(tag_timeline(bob_, { "un", "quatre" }), (std::vector<Id> { c.id, b.id, a.id }));
    EXPECT_EQ(tag_timeline(bob_, { "un" }, { "deux" }), (std::vector<Id> { a.id }));
    EXPECT_EQ(tag_timeline(bob_, { "un" }, {}, { "deux" }), (std::vector<Id> { b.id }));
    EXPECT_TRUE(tag_timeline(bob_, { "#" }).empty()) << "not a hashtag: nothing";
}

// The SQL of SearchRepository must agree with can_read on every audience and relation.
TEST_F(SearchServiceTest, TheSqlVisibilityRuleAgreesWithCanRead)
{
    ASSERT_TRUE(social_->follow(bob_, model::local_actor(alice_.id)));
    std::vector<model::Status> all {
        post(alice_, "#probe instance"),
        post(alice_, "#probe followers", Audience::Followers),
        post(carol_, "#probe followers of carol", Audience::Followers),
        post(carol_, "#probe followers naming bob", Audience::Followers, { model::local_actor(bob_.id) }),
        post(carol_, "#probe direct to bob", Audience::Direct, { model::local_actor(bob_.id) }),
        post(carol_, "#probe direct to alice", Audience::Direct, { model::local_actor(alice_.id) }),
    };
    // Group statuses: of a group here (Bob is a member, Alice is only mentioned), and of a
    // group of another instance that Alice follows.
    const TimePoint now = fx().clock().now();
    model::Group here;
    here.id = fx().ids().next();
    here.name = "plaies";
    here.display_name = "Plaies";
    here.created_at = here.updated_at = now;
    model::RemoteActor there;
    there.id = fx().ids().next();
    there.uri = "https://soins.example/groups/pansements";
    there.host = "soins.example";
    there.type = "Group";
    there.username = "pansements";
    there.inbox = there.uri + "/inbox";
    there.fetched_at = there.created_at = now;
    model::Status in_here = all.back(), in_there = all.back();
    in_here.id = fx().ids().next();
    in_here.uri += "-here";
    in_here.audience = Audience::Group;
    in_here.group = model::local_actor(here.id);
    in_there.id = fx().ids().next();
    in_there.uri += "-there";
    in_there.audience = Audience::Group;
    in_there.group = model::remote_actor(there.id);
    auto done = fx().store().write([&](storage::Repositories& repos) -> Status {
        if (auto r = repos.groups().insert(here, "key"); !r)
            return r;
        model::GroupMember bob;
        bob.id = fx().ids().next();
        bob.group_id = here.id;
        bob.member = model::local_actor(bob_.id);
        bob.created_at = bob.updated_at = now;
        if (auto r = repos.groups().insert_member(bob); !r)
            return r;
        auto stored = repos.remote_actors().upsert(there);
        if (!stored)
            return forward(stored);
        there = *stored;
        in_there.group = model::remote_actor(there.id);
        model::Follow follow;
        follow.id = fx().ids().next();
        follow.follower = model::local_actor(alice_.id);
        follow.followee = model::remote_actor(there.id);
        follow.state = model::FollowState::Accepted;
        follow.uri = "https://officine.example/follows/1";
        follow.created_at = follow.updated_at = now;
        if (auto r = repos.follows().insert(follow); !r)
            return r;
        for (const model::Status* g : { &in_here, &in_there }) {
            if (auto r = repos.statuses().insert(*g); !r)
                return r;
            if (auto r = repos.statuses().add_mentions(g->id, { model::local_actor(alice_.id) }); !r)
                return r;
            if (auto r = repos.tags().set_for_status(g->id, { "probe" }, now); !r)
                return r;
        }
        return ok();
    });
    ASSERT_TRUE(done) << describe(done);
    all.push_back(in_here);
    all.push_back(in_there);
    for (const model::Account* reader : { &alice_, &bob_, &carol_ }) {
        auto shown = tag_timeline(*reader, { "probe" });
        auto found = search(*reader, "probe", SearchType::Statuses);
        ASSERT_TRUE(found) << describe(found);
        for (const model::Status& s : all) {
            bool readable = false;
            auto checked = fx().store().read([&](storage::Repositories& repos) -> Status {
                auto r = can_read(repos, *reader, s);
                readable = r && *r;
                return r ? ok() : forward(r);
            });
            ASSERT_TRUE(checked) << describe(checked);
            EXPECT_EQ(std::count(shown.begin(), shown.end(), s.id), readable ? 1 : 0)
                << reader->username << " / " << s.source_text;
            EXPECT_EQ(std::count_if(found->statuses.begin(), found->statuses.end(),
                          [&](const model::Status& x) { return x.id == s.id; }),
                readable ? 1 : 0)
                << "search: " << reader->username << " / " << s.source_text;
        }
    }
}

TEST_F(SearchServiceTest, StatusSearchFindsWordsAndPrefixesWithoutAccents)
{
    auto s = post(alice_, "Protocole de pédiatrie révisé");
    post(alice_, "Autre chose");
    for (std::string q : { "pediatrie", "PROTOCOLE revis", "pédia" }) {
        auto r = search(bob_, q, SearchType::Statuses);
        ASSERT_TRUE(r) << describe(r);
        ASSERT_EQ(r->statuses.size(), 1u) << q;
        EXPECT_EQ(r->statuses[0].id, s.id);
    }
    auto none = search(bob_, "\"protocole\" OR autre", SearchType::Statuses);
    ASSERT_TRUE(none) << describe(none);
    EXPECT_TRUE(none->statuses.empty()) << "FTS operators in q are words, not syntax";
    ASSERT_TRUE(social_->remove(alice_, s.id));
    auto gone = search(bob_, "pediatrie", SearchType::Statuses);
    ASSERT_TRUE(gone) << describe(gone);
    EXPECT_TRUE(gone->statuses.empty()) << "deleted statuses leave the index";
}

TEST_F(SearchServiceTest, EditedTextIsSearchedAgain)
{
    auto s = post(alice_, "ancien texte");
    PostRequest change;
    change.text = "nouveau contenu";
    ASSERT_TRUE(social_->edit(alice_, s.id, change));
    auto old_words = search(bob_, "ancien", SearchType::Statuses);
    auto new_words = search(bob_, "nouveau", SearchType::Statuses);
    ASSERT_TRUE(old_words && new_words);
    EXPECT_TRUE(old_words->statuses.empty());
    ASSERT_EQ(new_words->statuses.size(), 1u);
}

TEST_F(SearchServiceTest, AccountsByPrefixInTheDirectoryByWholeUsernameOtherwise)
{
    // Out of the directory (the default): found by the whole username only, so typing letters
    // never lists those who chose to stay out.
    auto prefix = search(bob_, alice_.username.substr(0, 3), SearchType::Accounts);
    ASSERT_TRUE(prefix) << describe(prefix);
    EXPECT_TRUE(prefix->accounts.empty());
    auto whole = search(bob_, "@" + alice_.username + "@officine.example", SearchType::Accounts);
    ASSERT_TRUE(whole) << describe(whole);
    ASSERT_EQ(whole->accounts.size(), 1u);
    EXPECT_EQ(whole->accounts[0].id, alice_.id);

    model::Account listed = alice_;
    listed.discoverable = true;
    ASSERT_TRUE(fx().store().write([&](storage::Repositories& repos) {
        return repos.accounts().update_profile(listed, fx().clock().now());
    }));
    auto in_directory = search(bob_, alice_.username.substr(0, 3), SearchType::Accounts);
    ASSERT_TRUE(in_directory) << describe(in_directory);
    ASSERT_EQ(in_directory->accounts.size(), 1u);
    EXPECT_EQ(in_directory->accounts[0].id, alice_.id);

    auto pending = fx().register_applicant(testkit::nursing_student_emma());
    ASSERT_TRUE(pending) << describe(pending);
    auto hidden = search(bob_, pending->username, SearchType::Accounts);
    ASSERT_TRUE(hidden) << describe(hidden);
    EXPECT_TRUE(hidden->accounts.empty()) << "a pending applicant is not discoverable";
}

TEST_F(SearchServiceTest, TheDirectoryReadsNamesAsAccountSearchDoesAndNormalisesTheSpecialty)
{
    model::Account listed = alice_;
    listed.discoverable = true;
    listed.specialties = { "plaies" };
    ASSERT_TRUE(fx().store().write([&](storage::Repositories& repos) {
        return repos.accounts().update_profile(listed, fx().clock().now());
    }));
    auto directory = [&](std::string q, std::string specialty = "") {
        DirectoryRequest request;
        request.q = std::move(q);
        request.specialty = std::move(specialty);
        return search_->directory(bob_, request);
    };
    for (const std::string& q : { std::string(""), alice_.username.substr(0, 3),
             "@" + alice_.username + "@OFFICINE.example", "  " + alice_.username + "  " }) {
        auto found = directory(q, "#PLAIES");
        ASSERT_TRUE(found) << describe(found);
        ASSERT_EQ(found->size(), 1u) << q;
        EXPECT_EQ(found->front().id, alice_.id);
    }
    auto elsewhere = directory(alice_.username + "@soins.example");
    ASSERT_TRUE(elsewhere) << describe(elsewhere);
    EXPECT_TRUE(elsewhere->empty()) << "a handle of another instance names no member here";
    auto bad = directory("", "soins palliatifs");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().kind, ErrorKind::Unprocessable);
    EXPECT_EQ(bad.error().field, "specialty");
    auto hidden = directory(bob_.username);
    ASSERT_TRUE(hidden) << describe(hidden);
    EXPECT_TRUE(hidden->empty()) << "members out of the directory are not listed, even by whole name";
}

TEST_F(SearchServiceTest, ThePublicTimelineTagIsNormalisedAndANonTagMatchesNothing)
{
    model::Status tagged = post(alice_, "Pansements #Plaies");
    post(bob_, "Sans étiquette");
    auto timeline = [&](std::string tag) {
        auto list = social_->instance_timeline(carol_, {}, storage::TimelineFilter { 0, std::move(tag) });
        EXPECT_TRUE(list) << describe(list);
        std::vector<Id> ids;
        for (const auto& s : list ? *list : std::vector<model::Status> {})
            ids.push_back(s.id);
        return ids;
    };
    EXPECT_EQ(timeline("#PLAIES"), (std::vector<Id> { tagged.id }));
    EXPECT_TRUE(timeline("pas un tag").empty());
    EXPECT_EQ(timeline("").size(), 2u);
}

TEST_F(SearchServiceTest, BlankQueryGivesEmptyResultsAndHashtagsComeByPrefix)
{
    post(alice_, "#pharmacovigilance #pharmacie #soins");
    auto blank = search(bob_, "   ");
    ASSERT_TRUE(blank) << describe(blank);
    EXPECT_TRUE(blank->accounts.empty() && blank->statuses.empty() && blank->hashtags.empty());
    auto tags = search(bob_, "#PHARMA", SearchType::Hashtags);
    ASSERT_TRUE(tags) << describe(tags);
    ASSERT_EQ(tags->hashtags.size(), 2u);
    EXPECT_EQ(tags->hashtags[0].name, "pharmacie") << "shortest first";
}

TEST_F(SearchServiceTest, FiltersAreValidatedAndPrivateToTheirOwner)
{
    FilterChange change;
    change.contexts = Names { "home" };
    auto untitled = filters_->create(alice_, change);
    ASSERT_FALSE(untitled);
    EXPECT_EQ(untitled.error().field, "title");
    change.title = "Grèves";
    change.contexts = Names { "home", "elsewhere" };
    auto bad_context = filters_->create(alice_, change);
    ASSERT_FALSE(bad_context);
    EXPECT_EQ(bad_context.error().field, "context");
    change.contexts = Names { "home", "public" };
    change.expires_in = "-5";
    EXPECT_FALSE(filters_->create(alice_, change));
    change.expires_in = "3600";
    change.keywords = { KeywordChange { std::nullopt, "grève", true, false } };
    auto created = filters_->create(alice_, change);
    ASSERT_TRUE(created) << describe(created);
    EXPECT_EQ(created->expires_at, fx().clock().now() + std::chrono::hours(1));
    ASSERT_EQ(created->keywords.size(), 1u);

    auto theirs = filters_->get(bob_, created->id);
    ASSERT_FALSE(theirs);
    EXPECT_EQ(theirs.error().kind, ErrorKind::NotFound);
    EXPECT_EQ(filters_->remove(bob_, created->id).error().kind, ErrorKind::NotFound);
    EXPECT_EQ(filters_->keyword(bob_, created->keywords[0].id).error().kind, ErrorKind::NotFound);

    FilterChange edit;
    edit.keywords = { KeywordChange { created->keywords[0].id, {}, true, true },
        KeywordChange { std::nullopt, "manifestation", false, false } };
    auto edited = filters_->update(alice_, created->id, edit);
    ASSERT_TRUE(edited) << describe(edited);
    ASSERT_EQ(edited->keywords.size(), 1u);
    EXPECT_EQ(edited->keywords[0].keyword, "manifestation");
    auto listed = filters_->list(alice_);
    ASSERT_TRUE(listed) << describe(listed);
    ASSERT_EQ(listed->size(), 1u);
    EXPECT_EQ((*listed)[0].keywords, edited->keywords);
    EXPECT_EQ(
        (*listed)[0].contexts, (std::vector { model::FilterContext::Home, model::FilterContext::Public }));
    ASSERT_TRUE(filters_->remove(alice_, created->id));
    EXPECT_TRUE(filters_->list(alice_)->empty());
}

} // namespace
} // namespace confrere::services
