use crate::error::Result;
use crate::model::{ActiveState, Profile, UserId};

/// `languageID` or `language` as the request gave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LanguageChoice {
    Id(u16),
    Name(String),
}

/// Contact fields a request may change; None leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfilePatch {
    pub title: Option<String>,
    pub company: Option<String>,
    pub description: Option<String>,
    pub phone: Option<String>,
    pub mobile_phone: Option<String>,
    pub fax: Option<String>,
    pub address1: Option<String>,
    pub address2: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub zip_code: Option<String>,
    pub country: Option<String>,
}

impl ProfilePatch {
    pub fn apply(&self, p: &mut Profile) {
        let set = |dst: &mut String, src: &Option<String>| {
            if let Some(v) = src {
                *dst = v.clone();
            }
        };
        set(&mut p.title, &self.title);
        set(&mut p.company, &self.company);
        set(&mut p.description, &self.description);
        set(&mut p.phone, &self.phone);
        set(&mut p.mobile_phone, &self.mobile_phone);
        set(&mut p.fax, &self.fax);
        set(&mut p.address1, &self.address1);
        set(&mut p.address2, &self.address2);
        set(&mut p.city, &self.city);
        set(&mut p.state, &self.state);
        set(&mut p.zip_code, &self.zip_code);
        set(&mut p.country, &self.country);
    }
}

/// The fields CreateUser and SetUser share; None means "not in the request".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserFields {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub password: Option<String>,
    /// (privilege wire name, value) in request order.
    pub privileges: Vec<(String, bool)>,
    pub active: Option<ActiveState>,
    pub language: Option<LanguageChoice>,
    pub time_zone_id: Option<u16>,
    pub scheduling_permission: Option<Vec<String>>,
    pub meeting_types: Option<Vec<u32>>,
    pub profile: ProfilePatch,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewUser {
    pub webex_id: String,
    pub fields: UserFields,
    pub send_welcome: bool,
    pub html_email: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserChange {
    pub webex_id: String,
    pub new_webex_id: Option<String>,
    pub fields: UserFields,
}

/// One line of DelUser's answer.
#[derive(Debug)]
pub struct Deactivation {
    pub webex_id: String,
    pub outcome: Result<()>,
}

/// What GetUserCard shows of a user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserCard {
    pub avatar_url: String,
    pub avatar_modified_ms: i64,
    pub avatar_uploaded: bool,
    pub personal_room: Option<PersonalRoomLinks>,
}

/// A personal room as clients see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonalRoomLinks {
    pub title: String,
    pub url: String,
    pub sip_url: String,
    pub access_code: String,
    pub host_pin: String,
}

/// A `GET /v1/people` lookup.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PeopleQuery {
    /// Exact, case-insensitive.
    pub email: Option<String>,
    /// Case-insensitive prefix of the display name (or of the last name).
    pub display_name: Option<String>,
    /// Only these users.
    pub ids: Option<Vec<UserId>>,
    /// Whether the caller may list everyone (an administrator's token).
    pub list_all: bool,
    pub offset: usize,
    pub limit: usize,
}

/// A person as the REST API's provisioning names them (`POST` and `PUT /v1/people`): each field
/// is what the request says, None when it says nothing (a new person then gets the default; a
/// change keeps what is there).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PersonWrite {
    pub email: Option<String>,
    /// The full name; kaigi keeps a first and a last name and shows them as the display name.
    pub display_name: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub title: Option<String>,
    /// The work address; Some of an empty address clears it.
    pub address: Option<PostalAddress>,
    /// Whether the person holds the site's host licence.
    pub host_licence: Option<bool>,
    /// Whether the person may sign in (false deactivates them).
    pub login_enabled: Option<bool>,
}

/// A postal address as a person's profile keeps it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PostalAddress {
    pub street: String,
    pub locality: String,
    pub region: String,
    pub postal_code: String,
    pub country: String,
}

impl PostalAddress {
    /// The address a profile holds (empty when it holds none).
    pub fn of(p: &Profile) -> PostalAddress {
        PostalAddress {
            street: p.address1.clone(),
            locality: p.city.clone(),
            region: p.state.clone(),
            postal_code: p.zip_code.clone(),
            country: p.country.clone(),
        }
    }

    pub fn is_empty(&self) -> bool {
        [&self.street, &self.locality, &self.region, &self.postal_code, &self.country].iter().all(|s| s.is_empty())
    }
}

/// Whom a batch item names: a person by id, or by email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PersonRef {
    Id(UserId),
    Email(String),
}

/// The new id of a personal room (the access code it is joined with): one kaigi draws, or one an
/// administrator gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoomIdChoice {
    Generated,
    Given(String),
}

/// One item of a personal room id refresh.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoomIdRefresh {
    pub person: PersonRef,
    pub choice: RoomIdChoice,
}
