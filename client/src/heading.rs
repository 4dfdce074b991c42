//! Who heads the visitor's chat (`protocol::settings::HeadingRule`): the agent handling the
//! conversation, else the visitor's contact owner, else three of the site's heading people,
//! drawn at random on each page load. Pure; tested natively.

use protocol::frame::AgentRef;

/// How many of the site's heading people a visitor sees.
pub const SHOWN: usize = 3;

/// The people heading the chat: `handler` (the agent who has the conversation), else `owner`,
/// else [`SHOWN`] of `people` in a row from `seed`'s place, wrapping round (so each visitor
/// sees their own three of a larger team). Empty: the site's heading text alone.
pub fn heading(
    handler: Option<&AgentRef>,
    owner: Option<&AgentRef>,
    people: &[AgentRef],
    seed: usize,
) -> Vec<AgentRef> {
    if let Some(one) = handler.or(owner) {
        return vec![one.clone()];
    }
    let n = people.len();
    (0..n.min(SHOWN))
        .map(|i| people[(seed.wrapping_add(i)) % n].clone())
        .collect()
}

/// The heading's text for `people`: their names, in order.
pub fn names(people: &[AgentRef]) -> String {
    people
        .iter()
        .map(|p| p.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A person as one string: `id`, a unit separator, `name`. The widget keeps the heading's agent
/// and owner in signals of a type it already has: a signal of a new type costs it 2 KB of wasm,
/// measured.
pub fn pack(person: &AgentRef) -> String {
    format!("{}\u{1f}{}", person.id, person.name)
}

/// The person [`pack`] made.
pub fn unpack(packed: &str) -> AgentRef {
    let (id, name) = packed.split_once('\u{1f}').unwrap_or((packed, ""));
    AgentRef {
        id: id.to_owned(),
        name: name.to_owned(),
    }
}

/// A seed for [`heading`] from `random`, a draw in `[0, 1)`: each page load of each visitor
/// draws its own three.
pub fn seed(random: f64) -> usize {
    (random * f64::from(u32::MAX)) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(id: &str) -> AgentRef {
        AgentRef {
            id: id.into(),
            name: id.to_uppercase(),
        }
    }

    fn ids(people: &[AgentRef]) -> Vec<&str> {
        people.iter().map(|p| p.id.as_str()).collect()
    }

    #[test]
    fn three_of_the_team_from_the_seed_wrapping_round() {
        let team: Vec<AgentRef> = ["a", "b", "c", "d", "e"].map(person).to_vec();
        assert_eq!(ids(&heading(None, None, &team, 0)), ["a", "b", "c"]);
        assert_eq!(ids(&heading(None, None, &team, 3)), ["d", "e", "a"]);
        assert_eq!(ids(&heading(None, None, &team, 12)), ["c", "d", "e"]);
        let two = &team[..2];
        assert_eq!(ids(&heading(None, None, two, 7)), ["b", "a"]);
        assert!(
            heading(None, None, &[], 7).is_empty(),
            "the heading text alone"
        );
        assert_eq!(names(&heading(None, None, &team, 3)), "D, E, A");
    }

    #[test]
    fn the_agent_handling_it_then_the_owner_come_first() {
        let team = [person("a"), person("b")];
        let owner = person("owner");
        let dana = person("dana");
        assert_eq!(ids(&heading(None, Some(&owner), &team, 0)), ["owner"]);
        assert_eq!(ids(&heading(Some(&dana), Some(&owner), &team, 0)), ["dana"]);
        assert_eq!(ids(&heading(Some(&dana), None, &[], 0)), ["dana"]);
    }

    #[test]
    fn a_packed_person_unpacks_whole() {
        let dana = AgentRef {
            id: "a_1".into(),
            name: "Dana O'Neil, Support".into(),
        };
        assert_eq!(unpack(&pack(&dana)), dana);
        assert_eq!(unpack("a_2").id, "a_2");
    }

    #[test]
    fn each_draw_seeds_its_own_three() {
        let team: Vec<AgentRef> = ["a", "b", "c", "d", "e"].map(person).to_vec();
        let drawn = |r: f64| ids(&heading(None, None, &team, seed(r))).join("");
        assert_ne!(drawn(0.1), drawn(0.3));
        assert!(seed(0.999_999) <= u32::MAX as usize);
    }
}
